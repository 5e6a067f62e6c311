import type { Command } from 'commander';
import path from 'node:path';
import { adaptFromCases, type TracedCase } from '../../adaptation/adapt.js';
import { writeAdaptation } from '../../adaptation/clinic-model.js';
import { describeProvider, loadModel } from '../../inference/model.js';
import { readForModel, readForModelTurned } from '../../inference/read-for-model.js';
import { trace } from '../../inference/trace.js';
import { folderDataset } from '../../services/eval-dataset.js';
import { info } from '../output.js';
import { ProgressLine } from '../progress.js';

interface AdaptOpts {
  images: string;
  tracings: string;
  mmPerPx?: number;
  method: string;
  out: string;
}

export function registerAdapt(program: Command): void {
  program
    .command('adapt')
    .description("adapt the model to a clinic's corrected tracings; writes a clinic model folder for --model")
    .requiredOption('--images <dir>', 'the clinic’s images, named by case id')
    .requiredOption('--tracings <files>', 'tracing CSV(s) `id,x1,y1,...,x19,y19` in pixels (several: averaged)')
    .option('--mm-per-px <x>', 'the images’ spacing, for figures in mm', parseFloat)
    .option('--method <m>', 'offset (instant, per-landmark correction in the head frame) | lora (fine-tuning: not available yet)', 'offset')
    .requiredOption('--out <dir>', 'folder for the clinic model (adaptation.json)')
    .action(async (opts: AdaptOpts) => {
      if (opts.method === 'lora') throw new Error('--method lora is not available yet in this version: use --method offset');
      if (opts.method !== 'offset') throw new Error(`--method must be offset or lora, not ${opts.method}`);
      const ds = folderDataset(opts.images, opts.tracings.split(','), opts.mmPerPx ?? 1);
      const model = await loadModel();
      info(`model ${model.card.name} ${model.card.version} on ${describeProvider(model.provider)}; ${ds.ids.length} traced cases`);
      const bar = new ProgressLine('adapt');
      const cases: TracedCase[] = [];
      for (const [i, id] of ds.ids.entries()) {
        const file = ds.imagePath(id);
        const img = await readForModel(file, model.card);
        const t = await trace(model, img, { readTurned: () => readForModelTurned(file, model.card) });
        if (!t.check.isCephalogram) info(`\n${path.basename(file)}: not a cephalogram by the check; left out`);
        else cases.push({ id, tracing: t, width: img.width, truth: ds.truth.get(id)! });
        bar.update(i + 1, ds.ids.length, id);
      }
      bar.stop();
      const t0 = performance.now();
      const a = adaptFromCases(model, cases, { mmPerPixel: opts.mmPerPx });
      const file = writeAdaptation(opts.out, a);
      await model.close();
      const m = a.measured;
      const f = (x: { mre_mm: number | null; mre_px: number }) => (x.mre_mm !== null ? `${x.mre_mm.toFixed(3)} mm` : `${x.mre_px.toFixed(2)} px`);
      process.stdout.write(
        `adapted on ${cases.length} cases in ${(performance.now() - t0).toFixed(0)} ms: leave-one-out MRE ${f(m.parent)} -> ${f(m.adapted)} ` +
          `(${(100 * (1 - m.adapted.mre_px / m.parent.mre_px)).toFixed(1)} % less); the stated 90 % radius held ${(100 * m.coverage90_parent).toFixed(1)} % of points, ` +
          `${(100 * m.coverage90_adapted).toFixed(1)} % adapted (radii x ${a.radius_scale.toFixed(2)})\n${file}\n`,
      );
    });
}
