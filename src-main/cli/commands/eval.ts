import type { Command } from 'commander';
import { describeProvider, modelLabel } from '../../inference/model.js';
import { loadModelOrAdaptation } from '../../adaptation/clinic-model.js';
import { TRANSFORMS } from '../../inference/orientation.js';
import { evaluateDataset, formatEval } from '../../services/evaluate.js';
import { folderDataset, isbiDataset, type Dataset } from '../../services/eval-dataset.js';
import type { GroundTruth } from '../../services/isbi-dataset.js';
import { info, writeResult } from '../output.js';
import { ProgressLine } from '../progress.js';
import { nativeJpegStatus } from '../../imaging/codecs/native-jpeg.js';

interface EvalOpts {
  gt: string;
  split: string;
  limit?: number;
  json?: string;
  images?: string;
  tracings?: string;
  mmPerPx?: number;
  transform: string;
  points?: string;
  model?: string;
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('accuracy and the safety net on annotated images: MRE ± SD, SDR@2/2.5/3/4 mm, per landmark, coverage of the stated uncertainty, flags, input checks')
    .argument('[dataset]', 'a folder in the ISBI 2015 layout (images/, senior.csv, junior.csv, split files); or use --images')
    .option('--gt <who>', 'ISBI reference: mean | senior | junior', 'mean')
    .option('--split <name>', 'ISBI split file name without .txt (val: every tenth training image)', 'test1')
    .option('--images <dir>', 'any folder of images named by id (instead of an ISBI folder)')
    .option('--tracings <files>', 'with --images: tracing CSV(s) `id,x1,y1,...` in pixels, comma-separated (averaged)')
    .option('--mm-per-px <x>', 'with --images: the images’ pixel spacing', parseFloat)
    .option('--transform <t>', `store each image this way first: ${Object.keys(TRANSFORMS).join(' | ')}`, 'none')
    .option('--limit <n>', 'only the first n images', (v) => parseInt(v, 10))
    .option('--json <file>', 'also write the figures as JSON')
    .option('--model <dir>', 'a clinic model folder (`medsapiens adapt`) or another model folder with its card')
    .option('--points <file>', 'also write every point’s error, uncertainty features and flag as JSON (for calibration)')
    .action(async (root: string | undefined, opts: EvalOpts) => {
      let dataset: Dataset;
      if (opts.images) {
        if (!opts.tracings || !opts.mmPerPx) throw new Error('--images needs --tracings and --mm-per-px');
        dataset = folderDataset(opts.images, opts.tracings.split(','), opts.mmPerPx);
      } else {
        if (!root) throw new Error('give an ISBI-layout folder, or --images with --tracings and --mm-per-px');
        if (!['mean', 'senior', 'junior'].includes(opts.gt)) throw new Error(`--gt must be mean, senior or junior, not ${opts.gt}`);
        dataset = isbiDataset(root, opts.split, opts.gt as GroundTruth);
      }
      const transform = TRANSFORMS[opts.transform];
      if (!transform) throw new Error(`--transform must be one of ${Object.keys(TRANSFORMS).join(', ')}`);
      const model = await loadModelOrAdaptation(opts.model);
      const adaptation = model.adaptation;
      info(`model ${modelLabel(model).name} ${modelLabel(model).version} on ${describeProvider(model.provider)}; ${nativeJpegStatus()}`);
      const excluded = adaptation ? dataset.ids.filter((id) => adaptation.cases.includes(id)) : [];
      if (excluded.length) {
        // measured on cases it learnt from, an adaptation would look better than it is
        info(`leaving out ${excluded.length} image(s) the adaptation learnt from`);
        dataset = { ...dataset, ids: dataset.ids.filter((id) => !excluded.includes(id)) };
      }
      const bar = new ProgressLine('eval');
      const r = await evaluateDataset(model, {
        dataset,
        limit: opts.limit,
        transform: opts.transform === 'none' ? undefined : transform,
        onProgress: (d, t, id) => bar.update(d, t, id),
      });
      bar.stop();
      process.stdout.write(formatEval(r) + '\n');
      const { points, ...figures } = r;
      if (opts.json) writeResult(JSON.stringify(figures, null, 2) + '\n', opts.json);
      if (opts.points) writeResult(JSON.stringify(points) + '\n', opts.points);
      await model.close();
    });
}
