import type { Command } from 'commander';
import { describeProvider, loadModel } from '../../inference/model.js';
import { evaluateDataset, formatEval } from '../../services/evaluate.js';
import type { GroundTruth } from '../../services/isbi-dataset.js';
import { info, writeResult } from '../output.js';
import { ProgressLine } from '../progress.js';
import { nativeJpegStatus } from '../../imaging/codecs/native-jpeg.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('accuracy on a dataset in the ISBI 2015 layout: MRE ± SD, SDR@2/2.5/3/4 mm, per landmark')
    .argument('<dataset>', 'folder with images/, senior.csv, junior.csv and split files')
    .option('--gt <who>', 'reference: mean | senior | junior', 'mean')
    .option('--split <name>', 'split file name without .txt', 'test1')
    .option('--limit <n>', 'only the first n images', (v) => parseInt(v, 10))
    .option('--json <file>', 'also write the figures as JSON')
    .action(async (dataset: string, opts: { gt: string; split: string; limit?: number; json?: string }) => {
      if (!['mean', 'senior', 'junior'].includes(opts.gt)) throw new Error(`--gt must be mean, senior or junior, not ${opts.gt}`);
      const model = await loadModel();
      info(`model ${model.card.name} ${model.card.version} on ${describeProvider(model.provider)}; ${nativeJpegStatus()}`);
      const bar = new ProgressLine('eval');
      const r = await evaluateDataset(model, {
        root: dataset,
        split: opts.split,
        gt: opts.gt as GroundTruth,
        limit: opts.limit,
        onProgress: (d, t, id) => bar.update(d, t, id),
      });
      bar.stop();
      process.stdout.write(formatEval(r) + '\n');
      if (opts.json) writeResult(JSON.stringify(r, null, 2) + '\n', opts.json);
      await model.close();
    });
}
