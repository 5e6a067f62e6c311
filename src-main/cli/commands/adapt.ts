import type { Command } from 'commander';
import path from 'node:path';
import { adaptFromCases, tracedCase, type TracedCase } from '../../adaptation/adapt.js';
import { writeAdaptation, type Adaptation } from '../../adaptation/clinic-model.js';
import { adaptFromDatabase, clinicModelsDir, correctedCaseFiles, MIN_CASES } from '../../adaptation/clinic-service.js';
import type { Pt } from '../../../src-shared/metrics.js';
import { createApp } from '../../services/app.js';
import { describeProvider, findModelCard, loadModel } from '../../inference/model.js';
import { loraAvailable, prepareCases, runLora } from '../../adaptation/lora-runner.js';
import { AppError } from '../../../src-shared/errors.js';
import fs from 'node:fs';
import { traceFile } from '../../inference/trace.js';
import { folderDataset } from '../../services/eval-dataset.js';
import { info } from '../output.js';
import { ProgressLine } from '../progress.js';

interface AdaptOpts {
  images?: string;
  tracings?: string;
  db?: string;
  mmPerPx?: number;
  method: string;
  out?: string;
  epochs?: number;
  samplesPerEpoch?: number;
  holdout?: string;
}

export function registerAdapt(program: Command): void {
  program
    .command('adapt')
    .description("adapt the model to a clinic's corrected tracings; writes a clinic model folder for --model")
    .option('--images <dir>', 'the clinic’s images, named by case id')
    .option('--tracings <files>', 'with --images: tracing CSV(s) `id,x1,y1,...,x19,y19` in pixels (several: averaged)')
    .option('--db <file>', 'instead of --images: the corrected or reviewed cases of this case database')
    .option('--mm-per-px <x>', 'the images’ spacing, for figures in mm', parseFloat)
    .option('--method <m>', 'offset (instant, per-landmark correction in the head frame) | lora (fine-tuning of the networks, minutes; needs Python with PyTorch)', 'offset')
    .option('--out <dir>', 'folder for the clinic model (adaptation.json, or with lora an ONNX and its card); with --db, default: a new folder in clinic-models/ beside the database')
    .option('--epochs <n>', 'lora: epochs (default 20)', (v) => parseInt(v, 10))
    .option('--samples-per-epoch <n>', 'lora: augmented samples per epoch (default 40)', (v) => parseInt(v, 10))
    .option('--holdout <ids>', 'lora: comma-separated cases left out of the training and measured, parent against clinic model')
    .action(async (opts: AdaptOpts) => {
      if (opts.method === 'lora') return adaptLora(opts);
      if (opts.method !== 'offset') throw new Error(`--method must be offset or lora, not ${opts.method}`);
      if (opts.db) return adaptFromDb(opts);
      if (!opts.images || !opts.tracings || !opts.out) throw new Error('give --images, --tracings and --out (or --db)');
      const ds = folderDataset(opts.images, opts.tracings.split(','), opts.mmPerPx ?? 1);
      const model = await loadModel();
      info(`model ${model.card.name} ${model.card.version} on ${describeProvider(model.provider)}; ${ds.ids.length} traced cases`);
      const bar = new ProgressLine('adapt');
      const cases: TracedCase[] = [];
      for (const [i, id] of ds.ids.entries()) {
        const file = ds.imagePath(id);
        const { img, tracing: t } = await traceFile(model, file);
        if (!t.check.isCephalogram) info(`\n${path.basename(file)}: not a cephalogram by the check; left out`);
        else cases.push(tracedCase(id, t, img.width, ds.truth.get(id)!));
        bar.update(i + 1, ds.ids.length, id);
      }
      bar.stop();
      const t0 = performance.now();
      const a = adaptFromCases(model, cases, { mmPerPixel: opts.mmPerPx });
      const file = writeAdaptation(opts.out, a);
      await model.close();
      say(a, cases.length, performance.now() - t0, file);
    });
}

/** The deep level: the cases prepared by the app's own readers, fine-tuned by training/adapt_lora.py
 *  with a progress bar; Ctrl-C cancels (the same command resumes). */
async function adaptLora(opts: AdaptOpts): Promise<void> {
  if (!opts.db && (!opts.images || !opts.tracings || !opts.out)) throw new Error('give --images, --tracings and --out (or --db)');
  const can = loraAvailable();
  if (!can.ok) throw new AppError('unsupported', can.message);
  const app = opts.db ? createApp({ dbPath: opts.db, log: info }) : undefined;
  const model = app ? await app.model() : await loadModel();
  try {
    // a folder of images with tracing CSVs, or the database's corrected cases read from their files
    let cases: { id: string; file: string; truth: Pt[] }[];
    let out: string;
    if (app) {
      const found = correctedCaseFiles(app.store, app.library, model);
      for (const m of found.missing) info(`case ${m}: its image is no longer there; left out`);
      cases = found.cases;
      if (cases.length < MIN_CASES) throw new AppError('bad_request', `${cases.length} corrected case(s) with their images: at least ${MIN_CASES} are needed to adapt`);
      out = opts.out ?? path.join(clinicModelsDir(app.store), `${new Date().toISOString().replace(/[:.]/g, '-')}-lora`);
    } else {
      const ds = folderDataset(opts.images!, opts.tracings!.split(','), opts.mmPerPx ?? 1);
      cases = ds.ids.map((id) => ({ id, file: ds.imagePath(id), truth: ds.truth.get(id)! }));
      out = opts.out!;
    }
    const ids = cases.map((c) => c.id);
    const holdout = new Set((opts.holdout ?? '').split(',').filter(Boolean));
    for (const id of holdout) if (!ids.includes(id)) throw new Error(`--holdout: no traced case ${id}`);
    info(`model ${model.card.name} ${model.card.version}; LoRA on ${ids.length - holdout.size} cases${holdout.size ? `, ${holdout.size} held out` : ''}`);
    const casesDir = path.join(out, 'cases');
    const prep = new ProgressLine('prepare');
    const all = await prepareCases(model, cases, casesDir, (i) => prep.update(i, cases.length, cases[i - 1].id));
    prep.stop();
    const bar = new ProgressLine('lora');
    const ac = new AbortController();
    const onInt = () => ac.abort();
    process.once('SIGINT', onInt);
    const t0 = performance.now();
    let end;
    try {
      end = await runLora({
        model,
        casesDir,
        tracingsCsv: all,
        // the held-out cases are only measured
        ids: ids.filter((id) => !holdout.has(id)),
        out,
        mmPerPx: opts.mmPerPx,
        epochs: opts.epochs,
        samplesPerEpoch: opts.samplesPerEpoch,
        evalIds: [...holdout],
        signal: ac.signal,
        onProgress: (p) => bar.update(Math.round(1000 * (p.fraction ?? 0)), 1000, `${p.state} member ${p.member + 1}/${p.members}${p.epoch ? ` epoch ${p.epoch}/${p.epochs}` : ''}`),
      });
    } finally {
      process.off('SIGINT', onInt);
      bar.stop();
    }
    if (end.state === 'cancelled') {
      info('cancelled: run the same command again to resume');
      process.exitCode = 130;
      return;
    }
    const card = JSON.parse(fs.readFileSync(findModelCard(out), 'utf8'));
    const f = card.adaptation?.figures;
    process.stdout.write(
      `LoRA clinic model ${card.version} in ${((performance.now() - t0) / 1000).toFixed(0)} s` +
        (f?.parent ? `: held-out MRE ${f.parent.mre.toFixed(3)} -> ${f.adapted.mre.toFixed(3)} ${f.unit} (${f.cut_pct.toFixed(1)} % less) on ${f.eval_cases.length} cases` : '') +
        `\n${out}\n`,
    );
  } finally {
    if (app) await app.close();
    else await model.close();
  }
}

function say(a: Adaptation, n: number, ms: number, file: string): void {
  const m = a.measured;
  const f = (x: { mre_mm: number | null; mre_px: number }) => (x.mre_mm !== null ? `${x.mre_mm.toFixed(3)} mm` : `${x.mre_px.toFixed(2)} px`);
  process.stdout.write(
    `adapted on ${n} cases in ${ms.toFixed(0)} ms: leave-one-out MRE ${f(m.parent)} -> ${f(m.adapted)} ` +
      `(${(100 * (1 - m.adapted.mre_px / m.parent.mre_px)).toFixed(1)} % less); the stated 90 % radius held ${(100 * m.coverage90_parent).toFixed(1)} % of points, ` +
      `${(100 * m.coverage90_adapted).toFixed(1)} % adapted (radii x ${a.radius_scale.toFixed(2)})\n${file}\n`,
  );
}

/** From the case database's corrected cases; the clinic model is not put in use by itself. */
async function adaptFromDb(opts: AdaptOpts): Promise<void> {
  const app = createApp({ dbPath: opts.db, log: info });
  try {
    const model = await app.model();
    const t0 = performance.now();
    const made = adaptFromDatabase(app.store, model);
    let dir = path.join(clinicModelsDir(app.store), made.id);
    if (opts.out) {
      writeAdaptation(opts.out, made.adaptation);
      dir = opts.out;
    }
    say(made.adaptation, made.adaptation.cases.length, performance.now() - t0, path.join(dir, 'adaptation.json'));
    if (!made.beatsParent) info('it does not beat the shipped model on these cases: it will not be offered for use');
  } finally {
    await app.close();
  }
}
