// From a decoded grey image to landmarks in original pixels (and mm), with the time each stage took.
import { ISBI_LANDMARKS } from '../../src-shared/landmarks.js';
import type { ModelCard } from '../../src-shared/model-card.js';
import { decodeHeatmaps } from './codec.js';
import { Letterbox } from './letterbox.js';
import type { LoadedModel, ModelOutput } from './model.js';
import type { ModelPixels } from '../imaging/types.js';

/** Full-size grey pixels, or only a reduced copy made by the decoder (read-for-model.ts). */
export type GreyImage = { width: number; height: number } & ModelPixels;

export interface Spacing {
  rowMm: number;
  colMm: number;
}

export interface DetectedLandmark {
  id: string;
  x: number;
  y: number;
  confidence: number;
  xMm?: number;
  yMm?: number;
}

export interface Detection {
  landmarks: DetectedLandmark[];
  timingsMs: { preprocess: number; inference: number; decode: number };
}

export function preprocess(img: GreyImage, card: ModelCard, flip: boolean): { input: Float32Array; box: Letterbox } {
  const { width: W, height: H, scale, mean, std } = card.input;
  // mirrored, a reduced copy's span is mirrored too
  const span = img.reduced && { ...img.reduced.span, x0: flip ? img.width - (img.reduced.span.x0 + img.reduced.span.width) : img.reduced.span.x0 };
  const box = new Letterbox(img.width, img.height, W, H, span);
  // Python: (img / 255.0) in float64, then float32; scale is 1/255 in the card
  const inv = 1 / scale;
  const divisor = Math.abs(inv - Math.round(inv)) < 1e-9 ? Math.round(inv) : inv;
  if (img.reduced) {
    const r = img.reduced;
    if (r.width !== box.resizedW || r.height !== box.resizedH) throw new Error(`reduced image is ${r.width} x ${r.height}, the letterbox needs ${box.resizedW} x ${box.resizedH}`);
    return { input: padNormalised(flip ? mirror(r.pixels, r.width, r.height) : r.pixels, box, divisor, mean, std), box };
  }
  // in place: the letterboxed copy is this call's own
  const resized = box.apply(flip ? mirror(img.pixels, img.width, img.height) : img.pixels);
  for (let i = 0; i < resized.length; i++) resized[i] = (resized[i] / divisor - mean) / std;
  return { input: resized, box };
}

/** An image already at the letterbox's resized size, normalised into the zero-padded input in
 *  one pass (the padding gets what normalising a zero gives, as in the full path). */
function padNormalised(pixels: Uint8Array | Float32Array, box: Letterbox, divisor: number, mean: number, std: number): Float32Array {
  const out = new Float32Array(box.dstW * box.dstH);
  const padding = (0 / divisor - mean) / std;
  if (padding !== 0) out.fill(padding);
  const w = box.resizedW;
  for (let y = 0; y < box.resizedH; y++) {
    const src = y * w;
    const dst = (y + box.offsetY) * box.dstW + box.offsetX;
    for (let x = 0; x < w; x++) out[dst + x] = (pixels[src + x] / divisor - mean) / std;
  }
  return out;
}

function mirror<T extends Uint8Array | Float32Array>(pixels: T, width: number, height: number): T {
  const out = new (pixels.constructor as new (n: number) => T)(pixels.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = pixels[row + width - 1 - x];
  }
  return out;
}

export function landmarkIds(card: ModelCard): string[] {
  // the card lists names in model output order; map to the app's ids where they match
  return card.landmarks.map((n) => ISBI_LANDMARKS.find((l) => l.id === n)?.id ?? n);
}

/** Whether the image must be mirrored to match the orientation the model was trained on. */
export function needsFlip(card: ModelCard, facingLeft = false): boolean {
  return facingLeft !== (card.input.orientation === 'facing-left');
}

/** Model output -> landmarks in original pixels (mirrored back when the input was mirrored). */
export function landmarksFromHeatmaps(card: ModelCard, out: ModelOutput, box: Letterbox, flip: boolean): DetectedLandmark[] {
  const ids = landmarkIds(card);
  return decodeHeatmaps(out.heatmaps, card.landmarks.length, card.output.height, card.output.width, card.codec, out.reductions).map((p, i) => {
    const src = box.toSource(p);
    return { id: ids[i], x: flip ? box.srcW - 1 - src.x : src.x, y: src.y, confidence: p.confidence };
  });
}

export async function detect(model: LoadedModel, img: GreyImage, opts: { spacing?: Spacing; facingLeft?: boolean } = {}): Promise<Detection> {
  const flip = needsFlip(model.card, opts.facingLeft);
  const t0 = performance.now();
  const { input, box } = preprocess(img, model.card, flip);
  const t1 = performance.now();
  const output = await model.run(input, 1);
  const t2 = performance.now();
  const landmarks = landmarksFromHeatmaps(model.card, output, box, flip);
  if (opts.spacing) {
    for (const lm of landmarks) {
      lm.xMm = lm.x * opts.spacing.colMm;
      lm.yMm = lm.y * opts.spacing.rowMm;
    }
  }
  const t3 = performance.now();
  return { landmarks, timingsMs: { preprocess: t1 - t0, inference: t2 - t1, decode: t3 - t2 } };
}
