// Accuracy on a dataset in the ISBI layout, through the same import, preprocessing and decoding
// the app uses for a patient's image.
import { summarise, summarisePerLandmark, radialErrorMm, type LandmarkSummary, type Summary } from '../../src-shared/metrics.js';
import type { ReducedDecode } from '../../src-shared/model-card.js';
import type { ModelReadyImage } from '../imaging/types.js';
import { readForModel } from '../inference/read-for-model.js';
import { detect } from '../inference/detector.js';
import type { LoadedModel } from '../inference/model.js';
import { imagePath, ISBI_MM_PER_PIXEL, readAnnotations, readSplit, type GroundTruth } from './isbi-dataset.js';

export interface EvalOptions {
  root: string;
  split: string;
  gt: GroundTruth;
  limit?: number;
  onProgress?: (done: number, total: number, id: string) => void;
  /** how an image is read; default: as the app reads a file for the model */
  read?: (id: string, file: string) => Promise<ModelReadyImage>;
}

export interface EvalResult {
  dataset: string;
  split: string;
  ground_truth: GroundTruth;
  mm_per_pixel: number;
  model: { name: string; version: string; provider: string };
  overall: Summary;
  per_landmark: LandmarkSummary[];
  per_image: { id: string; mre_mm: number }[];
  /** predicted points per image id, source pixels, in the model's landmark order */
  predictions: Record<string, { x: number; y: number }[]>;
  mean_confidence: number;
  /** images the app read reduced (the card's input.reduced_decode) and in full, and how many by
   *  each reduced read */
  reads: { reduced: number; full: number; by_read: Partial<Record<ReducedDecode, number>> };
  seconds: number;
}

export async function evaluateDataset(model: LoadedModel, opts: EvalOptions): Promise<EvalResult> {
  const t0 = performance.now();
  let ids = readSplit(opts.root, opts.split);
  if (opts.limit) ids = ids.slice(0, opts.limit);
  const gt = readAnnotations(opts.root, opts.gt);
  const errors: number[][] = [];
  const perImage: { id: string; mre_mm: number }[] = [];
  const predictions: Record<string, { x: number; y: number }[]> = {};
  let confSum = 0;
  let confN = 0;
  const reads: EvalResult['reads'] = { reduced: 0, full: 0, by_read: {} };
  for (const [i, id] of ids.entries()) {
    const ref = gt.get(id);
    if (!ref) throw new Error(`no ${opts.gt} annotation for image ${id}`);
    const file = imagePath(opts.root, id);
    const img = await (opts.read ? opts.read(id, file) : readForModel(file, model.card));
    reads[img.reduced ? 'reduced' : 'full']++;
    if (img.reduced) reads.by_read[img.reduced.read] = (reads.by_read[img.reduced.read] ?? 0) + 1;
    const det = await detect(model, img);
    const row = det.landmarks.map((p, k) => radialErrorMm(p, ref[k], ISBI_MM_PER_PIXEL));
    errors.push(row);
    predictions[id] = det.landmarks.map((p) => ({ x: p.x, y: p.y }));
    perImage.push({ id, mre_mm: row.reduce((s, v) => s + v, 0) / row.length });
    for (const p of det.landmarks) {
      confSum += p.confidence;
      confN++;
    }
    opts.onProgress?.(i + 1, ids.length, id);
  }
  return {
    dataset: opts.root,
    split: opts.split,
    ground_truth: opts.gt,
    mm_per_pixel: ISBI_MM_PER_PIXEL,
    model: { name: model.card.name, version: model.card.version, provider: model.provider.name },
    overall: summarise(errors),
    per_landmark: summarisePerLandmark(errors, model.card.landmarks),
    per_image: perImage,
    predictions,
    mean_confidence: confSum / confN,
    reads,
    seconds: (performance.now() - t0) / 1000,
  };
}

function readsText(reads: EvalResult['reads']): string {
  const by = Object.entries(reads.by_read).map(([k, n]) => `${n} ${k}`);
  return `${reads.reduced} read reduced${by.length ? ` (${by.join(', ')})` : ''}, ${reads.full} in full`;
}

export function formatEval(r: EvalResult): string {
  const o = r.overall;
  const lines = [
    `${r.split} vs ${r.ground_truth} (${o.n_images} images, ${r.model.name} ${r.model.version} on ${r.model.provider}; ${readsText(r.reads)}):`,
    `  MRE ${o.mre_mm.toFixed(3)} ± ${o.sd_mm.toFixed(3)} mm; SDR ` + Object.entries(o.sdr).map(([k, v]) => `${k} ${v.toFixed(2)}%`).join(', '),
    `  ${'#'.padStart(2)} ${'landmark'.padEnd(24)} ${'MRE'.padStart(6)} ${'SD'.padStart(6)} ${'2mm%'.padStart(6)} ${'4mm%'.padStart(6)}`,
    ...r.per_landmark.map(
      (l) => `  ${String(l.index).padStart(2)} ${l.id.padEnd(24)} ${l.mre_mm.toFixed(2).padStart(6)} ${l.sd_mm.toFixed(2).padStart(6)} ${l.sdr['2mm'].toFixed(1).padStart(6)} ${l.sdr['4mm'].toFixed(1).padStart(6)}`,
    ),
  ];
  return lines.join('\n');
}
