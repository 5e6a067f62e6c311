// Accuracy on an annotated dataset, through the same import, checks, preprocessing and decoding
// the app uses for a patient's image; and how well the safety net does there: how often the
// stated 90 % radius holds the truth, what share of points is flagged and how many of the badly
// placed ones the flags catch, what the input check says of each image.
import { summarise, summarisePerLandmark, radialErrorMm, type LandmarkSummary, type Summary } from '../../src-shared/metrics.js';
import type { ReducedDecode } from '../../src-shared/model-card.js';
import { importImage } from '../imaging/import.js';
import type { ModelReadyImage } from '../imaging/types.js';
import { readForModel } from '../inference/read-for-model.js';
import type { LoadedModel } from '../inference/model.js';
import { geometryClass, storedPixels, toStored, type Orientation } from '../inference/orientation.js';
import { fileReads, trace } from '../inference/trace.js';
import type { PointFeatures } from '../inference/uncertainty.js';
import type { Dataset, GroundTruth } from './eval-dataset.js';

export interface EvalOptions {
  dataset: Dataset;
  limit?: number;
  onProgress?: (done: number, total: number, id: string) => void;
  /** how an image is read; default: as the app reads a file for the model */
  read?: (id: string, file: string) => Promise<ModelReadyImage>;
  /** store every image this way first (read in full), ground truth moved along: how the checks
   *  and the model do on mirrored, turned or negative films */
  transform?: Orientation;
  /** the flag distance of the figures (points further off than this should be flagged) */
  badMm?: number;
}

export interface PointRecord {
  id: string;
  landmark: number;
  error_mm: number;
  error_input_px: number;
  features: PointFeatures;
  uncertainty_mm: number;
  flagged: boolean;
}

export interface SafetyFigures {
  /** share of points whose error is within the stated 90 % radius */
  coverage90: number;
  coverage_per_landmark: number[];
  flagged_share: number;
  /** points more than badMm off, and the share of them that are flagged */
  bad_mm: number;
  bad_points: number;
  flag_recall: number;
  /** flags that point at a point more than badMm off */
  flag_precision: number;
  /** the same recall when the most uncertain 10 % of points are flagged, whatever the threshold */
  recall_at_10pct: number;
  images_refused: string[];
  images_reoriented: string[];
  /** traced a second time, reframed: the skull framed unlike the training films (framing.ts) */
  images_reframed: string[];
  /** landmarks placed by the full-resolution second stage, summed over the images (refine.ts) */
  second_stage_points: number;
  images_implausible: string[];
  /** orientation check: images whose geometry / polarity it got right (of those checked) */
  orientation_correct: number;
  polarity_correct: number;
  orientation_checked: number;
  mean_shape_d2: number;
  max_shape_d2: number;
}

export interface EvalResult {
  dataset: string;
  split: string;
  ground_truth: GroundTruth;
  mm_per_pixel: number;
  mm_per_pixel_note?: string;
  transform: string;
  model: { name: string; version: string; provider: string };
  overall: Summary;
  per_landmark: LandmarkSummary[];
  per_image: { id: string; mre_mm: number; shape_d2?: number; mean_confidence: number; is_cephalogram: boolean; orientation: string; reframe_zoom?: number }[];
  /** predicted points per image id, source pixels, in the model's landmark order */
  predictions: Record<string, { x: number; y: number }[]>;
  mean_confidence: number;
  safety: SafetyFigures;
  points: PointRecord[];
  /** images the app read reduced (the card's input.reduced_decode) and in full, and how many by
   *  each reduced read */
  reads: { reduced: number; full: number; by_read: Partial<Record<ReducedDecode, number>> };
  seconds: number;
}

export async function evaluateDataset(model: LoadedModel, opts: EvalOptions): Promise<EvalResult> {
  const t0 = performance.now();
  const ds = opts.dataset;
  const ids = opts.limit ? ds.ids.slice(0, opts.limit) : ds.ids;
  const badMm = opts.badMm ?? 3;
  const tf = opts.transform;
  const errors: number[][] = [];
  const perImage: EvalResult['per_image'] = [];
  const predictions: Record<string, { x: number; y: number }[]> = {};
  const points: PointRecord[] = [];
  const refused: string[] = [];
  const reoriented: string[] = [];
  const reframed: string[] = [];
  let secondStage = 0;
  const implausible: string[] = [];
  let orientOk = 0;
  let polarityOk = 0;
  let orientChecked = 0;
  const d2s: number[] = [];
  let confSum = 0;
  let confN = 0;
  const reads: EvalResult['reads'] = { reduced: 0, full: 0, by_read: {} };
  for (const [i, id] of ids.entries()) {
    const ref0 = ds.truth.get(id);
    if (!ref0) throw new Error(`no annotation for image ${id}`);
    const file = ds.imagePath(id);
    let img: ModelReadyImage;
    let ref = ref0;
    if (tf) {
      const full = await importImage(file);
      const stored = storedPixels(tf, full.pixels, full.width, full.height);
      img = { ...full, ...stored };
      ref = ref0.map((p) => toStored(tf, p, full.width, full.height));
    } else {
      img = await (opts.read ? opts.read(id, file) : readForModel(file, model.card));
    }
    reads[img.reduced ? 'reduced' : 'full']++;
    if (img.reduced) reads.by_read[img.reduced.read] = (reads.by_read[img.reduced.read] ?? 0) + 1;
    const t = await trace(model, img, { spacing: { rowMm: ds.mmPerPixel, colMm: ds.mmPerPixel }, ...fileReads(model, file) });
    const det = t.detection;
    const row = t.landmarks.map((p, k) => radialErrorMm(p, ref[k], ds.mmPerPixel));
    errors.push(row);
    predictions[id] = t.landmarks.map((p) => ({ x: p.x, y: p.y }));
    perImage.push({ id, mre_mm: row.reduce((s, v) => s + v, 0) / row.length, shape_d2: t.check.shapeD2, mean_confidence: t.check.meanConfidence, is_cephalogram: t.check.isCephalogram, orientation: t.check.orientation.description, reframe_zoom: det.modelFrame.reframeZoom });
    if (!t.check.isCephalogram) refused.push(id);
    if (t.check.warnings.some((w) => w.code === 'reoriented')) reoriented.push(id);
    if (det.modelFrame.reframeZoom !== undefined) reframed.push(id);
    secondStage += det.refined;
    if (t.check.warnings.some((w) => w.code === 'implausible_shape')) implausible.push(id);
    if (t.check.shapeD2 !== undefined) d2s.push(t.check.shapeD2);
    if (t.check.orientation.source === 'auto') {
      orientChecked++;
      const want = tf ?? { rotation: 0, mirrored: false, inverted: false };
      if (geometryClass(t.check.orientation) === geometryClass(want)) orientOk++;
      if (t.check.orientation.inverted === want.inverted) polarityOk++;
    }
    t.landmarks.forEach((p, k) => {
      points.push({
        id,
        landmark: k,
        error_mm: row[k],
        error_input_px: row[k] / ds.mmPerPixel / det.modelFrame.sourcePxPerInputPx,
        features: det.modelFrame.features[k],
        uncertainty_mm: p.uncertaintyMm ?? NaN,
        flagged: p.flagged,
      });
      confSum += p.confidence;
      confN++;
    });
    opts.onProgress?.(i + 1, ids.length, id);
  }
  const k = model.card.landmarks.length;
  const covered = (ps: PointRecord[]) => (ps.length ? ps.filter((p) => p.error_mm <= p.uncertainty_mm).length / ps.length : NaN);
  const bad = points.filter((p) => p.error_mm > badMm);
  const flagged = points.filter((p) => p.flagged);
  const ranked = [...points].sort((a, b) => b.uncertainty_mm - a.uncertainty_mm).slice(0, Math.round(points.length / 10));
  const safety: SafetyFigures = {
    coverage90: covered(points),
    coverage_per_landmark: Array.from({ length: k }, (_, l) => covered(points.filter((p) => p.landmark === l))),
    flagged_share: flagged.length / points.length,
    bad_mm: badMm,
    bad_points: bad.length,
    flag_recall: bad.length ? bad.filter((p) => p.flagged).length / bad.length : NaN,
    flag_precision: flagged.length ? flagged.filter((p) => p.error_mm > badMm).length / flagged.length : NaN,
    recall_at_10pct: bad.length ? ranked.filter((p) => p.error_mm > badMm).length / bad.length : NaN,
    images_refused: refused,
    images_reoriented: reoriented,
    images_reframed: reframed,
    second_stage_points: secondStage,
    images_implausible: implausible,
    orientation_correct: orientOk,
    polarity_correct: polarityOk,
    orientation_checked: orientChecked,
    mean_shape_d2: d2s.reduce((a, b) => a + b, 0) / (d2s.length || 1),
    max_shape_d2: Math.max(...d2s, 0),
  };
  return {
    dataset: ds.name,
    split: ds.split,
    ground_truth: ds.groundTruth,
    mm_per_pixel: ds.mmPerPixel,
    ...(ds.mmPerPixelNote ? { mm_per_pixel_note: ds.mmPerPixelNote } : {}),
    transform: tf ? transformName(tf) : 'none',
    model: { name: model.card.name, version: model.card.version, provider: model.provider.name },
    overall: summarise(errors),
    per_landmark: summarisePerLandmark(errors, model.card.landmarks),
    per_image: perImage,
    predictions,
    mean_confidence: confSum / confN,
    safety,
    points,
    reads,
    seconds: (performance.now() - t0) / 1000,
  };
}

function transformName(o: Orientation): string {
  const parts = [o.mirrored ? 'mirror' : '', o.rotation ? `rot${o.rotation}` : '', o.inverted ? 'invert' : ''].filter(Boolean);
  return parts.join('+') || 'none';
}

function readsText(reads: EvalResult['reads']): string {
  const by = Object.entries(reads.by_read).map(([k, n]) => `${n} ${k}`);
  return `${reads.reduced} read reduced${by.length ? ` (${by.join(', ')})` : ''}, ${reads.full} in full`;
}

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '-');

export function formatEval(r: EvalResult): string {
  const o = r.overall;
  const s = r.safety;
  const lines = [
    `${r.dataset} ${r.split} vs ${r.ground_truth} (${o.n_images} images${r.transform !== 'none' ? `, stored ${r.transform}` : ''}, ${r.model.name} ${r.model.version} on ${r.model.provider}; ${readsText(r.reads)}; ${r.mm_per_pixel} mm/px${r.mm_per_pixel_note ? ` ${r.mm_per_pixel_note}` : ''}):`,
    `  MRE ${o.mre_mm.toFixed(3)} ± ${o.sd_mm.toFixed(3)} mm; SDR ` + Object.entries(o.sdr).map(([k, v]) => `${k} ${v.toFixed(2)}%`).join(', '),
    `  safety net: 90% radius holds ${pct(s.coverage90)} of points; flagged ${pct(s.flagged_share)}; ${s.bad_points} points > ${s.bad_mm} mm, flags catch ${pct(s.flag_recall)} (precision ${pct(s.flag_precision)}; top-10% recall ${pct(s.recall_at_10pct)})`,
    `  input check: ${s.images_refused.length} refused as not a cephalogram, ${s.images_reoriented.length} straightened, ${s.images_reframed.length} reframed, ${s.second_stage_points} points placed by the second stage, ${s.images_implausible.length} with an implausible tracing; orientation right ${s.orientation_correct}/${s.orientation_checked}, polarity right ${s.polarity_correct}/${s.orientation_checked}; shape D2 mean ${s.mean_shape_d2.toFixed(1)}, max ${s.max_shape_d2.toFixed(1)}`,
    `  ${'#'.padStart(2)} ${'landmark'.padEnd(24)} ${'MRE'.padStart(6)} ${'SD'.padStart(6)} ${'2mm%'.padStart(6)} ${'4mm%'.padStart(6)} ${'cov90'.padStart(6)}`,
    ...r.per_landmark.map(
      (l, i) =>
        `  ${String(l.index).padStart(2)} ${l.id.padEnd(24)} ${l.mre_mm.toFixed(2).padStart(6)} ${l.sd_mm.toFixed(2).padStart(6)} ${l.sdr['2mm'].toFixed(1).padStart(6)} ${l.sdr['4mm'].toFixed(1).padStart(6)} ${pct(s.coverage_per_landmark[i]).padStart(6)}`,
    ),
  ];
  return lines.join('\n');
}
