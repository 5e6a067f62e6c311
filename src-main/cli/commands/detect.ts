import type { Command } from 'commander';
import { toAppError } from '../../../src-shared/errors.js';
import { traceFile } from '../../inference/trace.js';
import { CHECK_CSV_COLUMNS, checkCsv, checkJson, landmarkJson, orientationFromOptions, type OrientationOptions } from '../check-output.js';
import { describeProvider, modelLabel } from '../../inference/model.js';
import { loadModelOrAdaptation } from '../../adaptation/clinic-model.js';
import { formatFromPath, info, toCsv, writeResult } from '../output.js';
import { nativeJpegStatus } from '../../imaging/codecs/native-jpeg.js';

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description('detect the landmarks on one or more cephalograms (DICOM, PNG, JPEG, TIFF, BMP)')
    .argument('<files...>', 'image files')
    .option('-o, --out <file>', 'write results here (.json or .csv) instead of stdout')
    .option('-f, --format <format>', 'json or csv (default: from --out, else json)')
    .option('--facing-left', 'the profile faces left (mirrored for the model, points mirrored back); sets the orientation by hand')
    .option('--rotation <deg>', 'the film is stored turned clockwise by 0, 90, 180 or 270 degrees; sets the orientation by hand')
    .option('--inverted', 'the film is a negative; sets the orientation by hand')
    .option('--model <dir>', 'a clinic model folder (`medsapiens adapt`) or another model folder with its card')
    .action(async (files: string[], opts: { out?: string; format?: string; model?: string } & OrientationOptions) => {
      const orientation = orientationFromOptions(opts);
      const model = await loadModelOrAdaptation(opts.model);
      const adaptation = model.adaptation;
      info(`model ${modelLabel(model).name} ${modelLabel(model).version} on ${describeProvider(model.provider)}; ${nativeJpegStatus()}`);
      const results: Record<string, unknown>[] = [];
      let failed = 0;
      for (const file of files) {
        try {
          // a clinic model's correction rides on the model (trace applies it)
          const { img, tracing: t } = await traceFile(model, file, { orientation });
          if (!t.check.isCephalogram) info(`${file}: ${t.check.warnings.find((w) => w.code === 'not_cephalogram')?.message}`);
          results.push({
            file,
            ok: true,
            width: img.width,
            height: img.height,
            spacing: img.spacing,
            model: { name: model.card.name, version: model.card.version, provider: model.provider.name, ...(adaptation ? { adaptation: opts.model, adaptedOn: adaptation.cases.length } : {}) },
            check: checkJson(t.check),
            landmarks: t.landmarks.map(landmarkJson),
            // how many landmarks the full-resolution second stage placed (the card's refine block)
            second_stage: t.detection.refined,
            timings_ms: t.timingsMs,
          });
        } catch (e) {
          failed++;
          const err = toAppError(e);
          info(`${file}: ${err.code}: ${err.message}`);
          results.push({ file, ok: false, error: err.toJSON() });
        }
      }
      const format = (opts.format as 'json' | 'csv' | undefined) ?? formatFromPath(opts.out, 'json');
      if (format === 'csv') {
        const rows = results.flatMap((r): Record<string, unknown>[] =>
          r.ok
            ? (r.landmarks as Record<string, unknown>[]).map((l) => ({
                file: r.file,
                ...checkCsv(r.check as ReturnType<typeof checkJson>),
                landmark: l.id,
                x: l.x,
                y: l.y,
                confidence: l.confidence,
                x_mm: l.xMm,
                y_mm: l.yMm,
                uncertainty_px: l.uncertaintyPx,
                uncertainty_mm: l.uncertaintyMm,
                flagged: l.flagged,
                error: '',
              }))
            : [{ file: r.file, landmark: '', x: '', y: '', confidence: '', x_mm: '', y_mm: '', error: (r.error as { code: string }).code }],
        );
        writeResult(toCsv(rows, ['file', ...CHECK_CSV_COLUMNS, 'landmark', 'x', 'y', 'confidence', 'x_mm', 'y_mm', 'uncertainty_px', 'uncertainty_mm', 'flagged', 'error']), opts.out);
      } else {
        writeResult(JSON.stringify(files.length === 1 ? results[0] : results, null, 2) + '\n', opts.out);
      }
      await model.close();
      if (failed) process.exitCode = failed === files.length ? 2 : 1;
    });
}
