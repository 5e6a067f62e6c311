// The second stage, the twin of training/refine.py: each landmark the card names is placed again
// in a crop of the full-resolution image centred on the first stage's point, `factor` times finer
// than the first stage's input. The crop is cut straight from the film as stored: its axes are the
// upright, facing-right model frame's, carried through the film's turn and mirror, so no straightened
// full-size copy is ever made.
import type { ModelCard, SecondStageCard } from '../../src-shared/model-card.js';
import { decodeHeatmaps } from './codec.js';
import type { Point } from './letterbox.js';
import { toStored, uprightSize, type Orientation } from './orientation.js';
import type { LoadedModel } from './model.js';
import type { ModelPixels } from '../imaging/types.js';

export type RefineSpec = SecondStageCard;

/** Where a crop lies in the stored image: its centre, and the stored-image step taken by one crop
 *  pixel along the crop's x and y. */
export interface CropFrame {
  centre: Point;
  ex: Point;
  ey: Point;
}

/** The stored image's directions of the model frame's x and y (unit vectors): the model sees the
 *  film upright and facing right, mirrored first when `flip` (detector.ts needsFlip). */
export function storedAxes(o: Pick<Orientation, 'rotation' | 'mirrored'>, flip: boolean, storedW: number, storedH: number): { ex: Point; ey: Point } {
  const geo: Orientation = { rotation: o.rotation, mirrored: o.rotation !== 0 && o.mirrored, inverted: false };
  const { width: uw, height: uh } = uprightSize(geo, storedW, storedH);
  const at = (x: number, y: number): Point => toStored(geo, { x: flip ? -x : x, y }, uw, uh);
  const o0 = at(0, 0);
  const x1 = at(1, 0);
  const y1 = at(0, 1);
  return { ex: { x: x1.x - o0.x, y: x1.y - o0.y }, ey: { x: y1.x - o0.x, y: y1.y - o0.y } };
}

export function cropFrame(centre: Point, step: number, axes: { ex: Point; ey: Point }): CropFrame {
  return { centre, ex: { x: axes.ex.x * step, y: axes.ex.y * step }, ey: { x: axes.ey.x * step, y: axes.ey.y * step } };
}

/** Crop pixel (u, v) -> stored-image point. */
export function fromCrop(f: CropFrame, size: number, u: number, v: number): Point {
  const half = (size - 1) / 2;
  return { x: f.centre.x + (u - half) * f.ex.x + (v - half) * f.ey.x, y: f.centre.y + (u - half) * f.ex.y + (v - half) * f.ey.y };
}

/** size x size grey values 0..255 (255 - value for a negative film; zero outside the image, as the
 *  letterbox pads), bilinear, written into out at offset. */
export function sampleCrop(pixels: Uint8Array | Float32Array, w: number, h: number, f: CropFrame, size: number, invert: boolean, out: Float32Array, offset: number): void {
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : invert ? 255 - pixels[y * w + x] : pixels[y * w + x]);
  let i = offset;
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const p = fromCrop(f, size, u, v);
      const x0 = Math.floor(p.x);
      const y0 = Math.floor(p.y);
      const fx = p.x - x0;
      const fy = p.y - y0;
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      out[i++] = top * (1 - fy) + bottom * fy;
    }
  }
}

export interface RefineInput {
  pixels: Uint8Array | Float32Array;
  width: number;
  height: number;
  /** first-stage points, pixels of the raster sampled, in the card's landmark order */
  points: Point[];
  /** stored-image pixels per first-stage input pixel (reframing included) */
  sourcePxPerInputPx: number;
  /** the raster's step along the model frame's x and y for one stored-image pixel */
  axes: { ex: Point; ey: Point };
  invert: boolean;
}

/** The crops of the landmarks the card refines, normalised as the first stage's input, and what
 *  maps the network's answer back. */
export function refineCrops(card: ModelCard, spec: RefineSpec, r: RefineInput): { input: Float32Array; which: number[]; frames: CropFrame[] } {
  const which = spec.landmarks.map((name) => {
    const k = card.landmarks.indexOf(name);
    if (k < 0) throw new Error(`the card refines ${name}, which is not among its landmarks`);
    return k;
  });
  const n = spec.crop * spec.crop;
  const input = new Float32Array(which.length * n);
  const step = r.sourcePxPerInputPx / spec.factor;
  const frames = which.map((k, i) => {
    const f = cropFrame(r.points[k], step, r.axes);
    sampleCrop(r.pixels, r.width, r.height, f, spec.crop, r.invert, input, i * n);
    return f;
  });
  const { scale, mean, std } = card.input;
  const inv = 1 / scale;
  // Python: (crop / 255.0) in float64, then float32, as the first stage's input
  const divisor = Math.abs(inv - Math.round(inv)) < 1e-9 ? Math.round(inv) : inv;
  for (let i = 0; i < input.length; i++) input[i] = (input[i] / divisor - mean) / std;
  return { input, which, frames };
}

/** The network's heatmaps (crops x K channels) -> each crop's own landmark, stored-image pixels. */
export function refinedPoints(spec: RefineSpec, heatmaps: Float32Array, k: number, which: number[], frames: CropFrame[]): (Point & { confidence: number })[] {
  const [h, w] = spec.codec.heatmap_size;
  const own = new Float32Array(which.length * h * w);
  which.forEach((lm, i) => own.set(heatmaps.subarray((i * k + lm) * h * w, (i * k + lm + 1) * h * w), i * h * w));
  return decodeHeatmaps(own, which.length, h, w, spec.codec).map((q, i) => ({ ...fromCrop(frames[i], spec.crop, q.x, q.y), confidence: q.confidence }));
}

/** The coarsest read the second stage accepts, in crop pixels per read pixel: a JPEG's half DCT
 *  scale or a JPEG 2000's first wavelet level on an ISBI film (1.28) cost 0.003 mm on the
 *  validation tenth (0.900 -> 0.903 mm; scratch experiment, session 12) and a fraction of the decode. */
export const COARSEST_READ = 1.3;

/** The second stage on a tracing: the landmarks the card names are moved (in place) to where the
 *  second network places them in the film as stored, read in full or reduced (`film.reduced`: its
 *  crops are cut from the reduced copy, through its span). Returns how many it placed. */
export async function refineLandmarks(model: LoadedModel, film: { width: number; height: number } & ModelPixels, o: Orientation, flip: boolean, landmarks: Point[], sourcePxPerInputPx: number): Promise<number> {
  if (!model.secondStage) return 0;
  const spec = model.secondStage.card;
  // the raster the crops are cut from, and its pixels per source pixel
  const r = film.pixels ? { pixels: film.pixels, width: film.width, height: film.height, span: { x0: 0, y0: 0, width: film.width, height: film.height } } : film.reduced;
  const sx = r.width / r.span.width;
  const sy = r.height / r.span.height;
  const toRaster = (p: Point): Point => ({ x: (p.x - r.span.x0 + 0.5) * sx - 0.5, y: (p.y - r.span.y0 + 0.5) * sy - 0.5 });
  const toSource = (p: Point): Point => ({ x: r.span.x0 + (p.x + 0.5) / sx - 0.5, y: r.span.y0 + (p.y + 0.5) / sy - 0.5 });
  const unit = storedAxes(o, flip, film.width, film.height);
  const axes = { ex: { x: unit.ex.x * sx, y: unit.ex.y * sy }, ey: { x: unit.ey.x * sx, y: unit.ey.y * sy } };
  const crops = refineCrops(model.card, spec, { pixels: r.pixels, width: r.width, height: r.height, points: landmarks.map(toRaster), sourcePxPerInputPx, axes, invert: o.inverted });
  const heatmaps = await model.secondStage.run(crops.input, crops.which.length);
  refinedPoints(spec, heatmaps, model.card.landmarks.length, crops.which, crops.frames).forEach((p, i) => {
    const q = toSource(p);
    landmarks[crops.which[i]].x = q.x;
    landmarks[crops.which[i]].y = q.y;
  });
  return crops.which.length;
}
