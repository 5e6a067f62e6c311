// How far each detected landmark may be from the truth: the radius that holds the true point with
// 90 % probability, from what carries information about a point's error:
// - spread: how wide the (ensemble-mean) heatmap is around its peak;
// - members: how far the ensemble's networks' own peaks lie from the combined point;
// - shape: how far the point lies from where the other 18 put it (shape-model.ts).
// Each is in model-input pixels, where a head fills the frame alike whatever the image's size.
// A point's error scale is log-linear in these (training/calibrate_uncertainty.py fits it on held-out
// training images, plain and degraded as other machines would, and the model card's
// checks.uncertainty carries it); the 90 % radius and the chance of being far off follow from it.
import { isbiShapeModel } from '../../src-shared/ceph/shape-model.js';
import type { ModelCard } from '../../src-shared/model-card.js';
import type { DecodedPoint } from './codec.js';
import type { ModelOutput } from './model.js';

export interface PointFeatures {
  /** standard deviation of the heatmap's softmax near its peak, input pixels */
  spread: number;
  /** RMS distance of the members' centroids (or, without them, peaks) from the combined point,
   *  input pixels (0 for one network) */
  members: number;
  /** distance from the point's conditional position given the other points, input pixels */
  shape: number;
}

/** Heatmap cells each side of the peak over which the spread is measured: wider than any true
 *  peak (sigma 2 cells), narrower than the distance to a rival structure. */
const SPREAD_WINDOW = 6;

/** The uncertainty features of every point, and the tracing's shape distance (shape-model.ts) where
 *  the landmark set has a shape model. */
export function pointFeatures(card: ModelCard, out: ModelOutput, points: DecodedPoint[]): { features: PointFeatures[]; shapeD2?: number } {
  const h = card.output.height;
  const w = card.output.width;
  const stride = card.codec.stride;
  const k = points.length;
  const shape = card.landmark_set === 'isbi2015-19' && k === 19 ? isbiShapeModel().fit(points) : undefined;
  const features = points.map((p, c) => {
    const cx = (p.x + 0.5) / stride - 0.5;
    const cy = (p.y + 0.5) / stride - 0.5;
    const spread = heatmapSpread(out.heatmaps, c * h * w, h, w, cx, cy) * stride;
    let members = 0;
    if (out.memberCentroids?.length) {
      let s = 0;
      for (const row of out.memberCentroids) s += (row[c].x - p.x) ** 2 + (row[c].y - p.y) ** 2;
      members = Math.sqrt(s / out.memberCentroids.length);
    } else if (out.memberPeaks?.length) {
      let s = 0;
      for (const row of out.memberPeaks) {
        const idx = row[c];
        const my = Math.floor(idx / w);
        const mx = idx - my * w;
        s += ((mx + 0.5) * stride - 0.5 - p.x) ** 2 + ((my + 0.5) * stride - 0.5 - p.y) ** 2;
      }
      members = Math.sqrt(s / out.memberPeaks.length);
    }
    return { spread, members, shape: shape?.residualPx[c] ?? 0 };
  });
  return { features, shapeD2: shape?.d2 };
}

function heatmapSpread(logits: Float32Array, base: number, h: number, w: number, cx: number, cy: number): number {
  const x0 = Math.max(0, Math.round(cx) - SPREAD_WINDOW);
  const x1 = Math.min(w - 1, Math.round(cx) + SPREAD_WINDOW);
  const y0 = Math.max(0, Math.round(cy) - SPREAD_WINDOW);
  const y1 = Math.min(h - 1, Math.round(cy) + SPREAD_WINDOW);
  let top = -Infinity;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) top = Math.max(top, logits[base + y * w + x]);
  let m = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const e = Math.exp(logits[base + y * w + x] - top);
      m += e;
      sx += e * x;
      sy += e * y;
      sxx += e * x * x;
      syy += e * y * y;
    }
  }
  const mx = sx / m;
  const my = sy / m;
  return Math.sqrt(Math.max(0, sxx / m - mx * mx + syy / m - my * my));
}

export type UncertaintyCalibration = NonNullable<NonNullable<ModelCard['checks']>['uncertainty']>;
type FeatureName = keyof UncertaintyCalibration['weights'];

/** The calibration's inputs for every point of one image (image-level ones are the image's means). */
export function featureVectors(features: PointFeatures[]): Record<FeatureName, number>[] {
  const logSpread = features.map((f) => Math.log(Math.max(f.spread, 1e-6)));
  const logMembers = features.map((f) => Math.log(f.members + 0.5));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const imageSpread = mean(logSpread);
  const imageMembers = mean(logMembers);
  return features.map((f, i) => ({
    log_spread: logSpread[i],
    log_members: logMembers[i],
    log_shape: Math.log(f.shape + 0.5),
    image_log_spread: imageSpread,
    image_log_members: imageMembers,
  }));
}

/** Per point: the radius (input pixels) holding the true point with the calibration's coverage. */
export function radii(cal: UncertaintyCalibration, features: PointFeatures[]): number[] {
  return featureVectors(features).map((x, l) => {
    let logSigma = cal.intercept[l] ?? 0;
    for (const [name, w] of Object.entries(cal.weights) as [FeatureName, number][]) logSigma += w * x[name];
    return Math.exp(logSigma) * cal.radius_scale;
  });
}

/** The chance that a point whose stated radius is r is more than t off, the error taken as a 2-D
 *  Gaussian (Rayleigh radius) that has the calibration's coverage within r. */
export function probabilityBeyond(cal: UncertaintyCalibration, r: number, t: number): number {
  const sigma = r / Math.sqrt(-2 * Math.log(1 - cal.coverage));
  return Math.exp(-(t * t) / (2 * sigma * sigma));
}
