import type { Command } from 'commander';
import path from 'node:path';
import { adaptFromCases, tracedCase, type TracedCase } from '../../adaptation/adapt.js';
import { writeAdaptation, type Adaptation } from '../../adaptation/clinic-model.js';
import { adaptFromDatabase, clinicModelsDir } from '../../adaptation/clinic-service.js';
import { createApp } from '../../services/app.js';
import { describeProvider, loadModel } from '../../inference/model.js';
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
}

export function registerAdapt(program: Command): void {
  program
    .command('adapt')
    .description("adapt the model to a clinic's corrected tracings; writes a clinic model folder for --model")
    .option('--images <dir>', 'the clinic’s images, named by case id')
    .option('--tracings <files>', 'with --images: tracing CSV(s) `id,x1,y1,...,x19,y19` in pixels (several: averaged)')
    .option('--db <file>', 'instead of --images: the corrected or reviewed cases of this case database')
    .option('--mm-per-px <x>', 'the images’ spacing, for figures in mm', parseFloat)
    .option('--method <m>', 'offset (instant, per-landmark correction in the head frame) | lora (fine-tuning: not available yet)', 'offset')
    .option('--out <dir>', 'folder for the clinic model (adaptation.json); with --db, default: clinic-models/ beside the database')
    .action(async (opts: AdaptOpts) => {
      if (opts.method === 'lora') throw new Error('--method lora is not available yet in this version: use --method offset');
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
