import type { Command } from 'commander';
import { describeProvider, loadModel } from '../../inference/model.js';
import { evaluateDataset } from '../../services/evaluate.js';
import { isbiDataset } from '../../services/eval-dataset.js';
import { formatAgreement, groundTruthClasses, modelAgreement } from '../../services/isbi-classes.js';
import { info, writeResult } from '../output.js';
import { ProgressLine } from '../progress.js';

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('ISBI 2015 clinical classification: classes from ground truth, inter-observer agreement, and the model vs ground truth')
    .argument('<dataset>', 'folder in the ISBI 2015 layout')
    .option('--split <name>', 'images the model is scored on', 'test1')
    .option('--no-model', 'ground truth and inter-observer agreement only')
    .option('--json <file>', 'write the figures as JSON')
    .action(async (dataset: string, opts: { split: string; model: boolean; json?: string }) => {
      const gt = groundTruthClasses(dataset);
      const { classes: _classes, ...gtFigures } = gt;
      process.stdout.write(
        formatAgreement(`ground truth: ${gt.images} images; agreement of classes (percent of images with the same class)`, {
          'senior vs junior': gt.inter_observer_agreement_pct,
          'senior vs mean tracing': gt.senior_vs_mean_pct,
        }) + '\n',
      );
      let model: ReturnType<typeof modelAgreement> | undefined;
      if (opts.model) {
        const m = await loadModel();
        info(`model ${m.card.name} ${m.card.version} on ${describeProvider(m.provider)}`);
        const bar = new ProgressLine('classify');
        const r = await evaluateDataset(m, { dataset: isbiDataset(dataset, opts.split, 'mean'), onProgress: (d, t, id) => bar.update(d, t, id) });
        bar.stop();
        await m.close();
        model = modelAgreement(dataset, r.predictions);
        process.stdout.write(
          formatAgreement(`${opts.split}: ${model.images} images`, {
            'model vs mean tracing': model.model_vs_mean_pct,
            'model vs senior': model.model_vs_senior_pct,
            'senior vs junior (same images)': model.senior_vs_junior_same_images_pct,
          }) + '\n',
        );
      }
      if (opts.json) writeResult(JSON.stringify({ ground_truth: gtFigures, model }, null, 2) + '\n', opts.json);
    });
}
