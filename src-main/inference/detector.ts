// From a decoded grey image to landmarks in original pixels (and mm), with the time each stage took.
import { ISBI_LANDMARKS } from '../../src-shared/landmarks.js';
import type { ModelCard } from '../../src-shared/model-card.js';
import { decodeHeatmaps, type DecodedPoint } from './codec.js';
import { toStored, uprightPixels, uprightSize, UPRIGHT, type Orientation } from './orientation.js';
import { pointFeatures, type PointFeatures } from './uncertainty.js';
import { Letterbox, type Point } from './letterbox.js';
import { reframeFor, unwarpPoint, warpInput } from './framing.js';
import { COARSEST_READ, refineLandmarks } from './refine.js';
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
  /** the points where the model saw them (upright, model-input pixels; the reframed input's where
   *  it was reframed: reframeZoom) and what the uncertainty
   *  of each is estimated from (uncertainty.ts) */
  modelFrame: { points: DecodedPoint[]; features: PointFeatures[]; sourcePxPerInputPx: number; shapeD2?: number; reframeZoom?: number };
  /** how many landmarks the second stage placed (refine.ts): 0 where the card names none, or the
   *  image was given reduced with no way to read it again */
  refined: number;
  timingsMs: { preprocess: number; inference: number; refine: number; decode: number };
}

export function preprocess(img: GreyImage, card: ModelCard, flip: boolean, invert = false): { input: Float32Array; box: Letterbox } {
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
    const px = flip ? mirror(r.pixels, r.width, r.height) : r.pixels;
    return { input: padNormalised(invert ? negative(px) : px, box, divisor, mean, std), box };
  }
  // in place: the letterboxed copy is this call's own
  const src = flip ? mirror(img.pixels, img.width, img.height) : img.pixels;
  const resized = box.apply(invert ? negative(src) : src);
  for (let i = 0; i < resized.length; i++) resized[i] = (resized[i] / divisor - mean) / std;
  return { input: resized, box };
}

function negative<T extends Uint8Array | Float32Array>(pixels: T): T {
  const out = new (pixels.constructor as new (n: number) => T)(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = 255 - pixels[i];
  return out;
}

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
  return fromModelFrame(card, decodeOutput(card, out), box, flip);
}

function decodeOutput(card: ModelCard, out: ModelOutput): DecodedPoint[] {
  return decodeHeatmaps(out.heatmaps, card.landmarks.length, card.output.height, card.output.width, card.codec, out.reductions);
}

function fromModelFrame(card: ModelCard, points: DecodedPoint[], box: Letterbox, flip: boolean): DetectedLandmark[] {
  const ids = landmarkIds(card);
  return points.map((p, i) => {
    const src = box.toSource(p);
    return { id: ids[i], x: flip ? box.srcW - 1 - src.x : src.x, y: src.y, confidence: p.confidence };
  });
}

export interface DetectOptions {
  spacing?: Spacing;
  /** how the film is stored (straightened before the model, points mapped back); default upright */
  orientation?: Orientation;
  /** the old switch, the same as orientation { mirrored: true } */
  facingLeft?: boolean;
  /** the file read again for a film stored turned by a quarter (read-for-model.ts
   *  readForModelTurned); without it a reduced copy read for the stored size is resampled */
  readTurned?: () => Promise<GreyImage>;
  /** the file read again for the second stage's crops where the image given is only a reduced
   *  copy: in full, or reduced to pixels of at most maxSourcePx source pixels (read-for-model.ts) */
  readForCrops?: (maxSourcePx: number) => Promise<GreyImage>;
}

export async function detect(model: LoadedModel, img: GreyImage, opts: DetectOptions = {}): Promise<Detection> {
  const o: Orientation = opts.orientation ?? { ...UPRIGHT, mirrored: !!opts.facingLeft };
  const t0 = performance.now();
  let work = img;
  // a turned film is straightened first; then it is upright but for a mirror, which preprocess does
  let unturn: (p: Point) => Point = (p) => p;
  // the reduced copy a turned film was traced from, where it was
  let small: { width: number; span: { width: number } } | undefined;
  if (o.rotation !== 0) {
    const geo: Orientation = { rotation: o.rotation, mirrored: o.mirrored, inverted: false };
    let base: GreyImage = img;
    let toSrc = (p: Point): Point => p;
    // a quarter turn needs the file read to the turned size; half a turn keeps the stored size
    if (img.reduced && o.rotation !== 180 && opts.readTurned) base = await opts.readTurned();
    if (base.reduced) {
      // the reduced copy as a small image of its own (upright, it fills the letterbox as it is),
      // its points mapped back through its span
      const r = base.reduced;
      const px = r.pixels instanceof Uint8Array ? r.pixels : Uint8Array.from(r.pixels, (v) => Math.max(0, Math.min(255, Math.round(v))));
      small = r;
      base = { width: r.width, height: r.height, pixels: px };
      toSrc = (p) => ({ x: r.span.x0 + ((p.x + 0.5) * r.span.width) / r.width - 0.5, y: r.span.y0 + ((p.y + 0.5) * r.span.height) / r.height - 0.5 });
    }
    const { width: uw, height: uh } = uprightSize(geo, base.width, base.height);
    work = { width: uw, height: uh, pixels: uprightPixels(geo, base.pixels!, base.width, base.height) };
    unturn = (p) => toSrc(toStored(geo, p, uw, uh));
  }
  const mirrored = o.rotation !== 0 ? false : o.mirrored;
  const flip = needsFlip(model.card, mirrored);
  const { input, box } = preprocess(work, model.card, flip, o.inverted);
  const t1 = performance.now();
  let output = await model.run(input, 1);
  let decoded = decodeOutput(model.card, output);
  // a skull framed unlike the training films is traced again, reframed (framing.ts); the points
  // come back to the first input's frame, the uncertainty features stay in the reframed one
  let firstFrame = decoded;
  const target = model.card.input.reframe;
  const reframe = target && reframeFor(decoded, target);
  if (reframe) {
    const { width, height, scale, mean, std, pad_value } = model.card.input;
    output = await model.run(warpInput(input, width, height, reframe, target, (pad_value * scale - mean) / std), 1);
    decoded = decodeOutput(model.card, output);
    firstFrame = decoded.map((p) => ({ ...p, ...unwarpPoint(p, reframe, target) }));
  }
  const t2 = performance.now();
  const landmarks = fromModelFrame(model.card, firstFrame, box, flip).map((l) => ({ ...l, ...unturn(l) }));
  // model-input pixels -> source pixels: the letterbox's scale (a reduced read's span included)
  const sourcePxPerInputPx = ((box.span.width / box.resizedW) * (small ? small.span.width / small.width : 1)) / (reframe?.zoom ?? 1);
  let refined = 0;
  if (model.secondStage) {
    // the crops' own resolution: the image as read where it was read in full, else the file again
    // as coarse as they allow
    const film = img.pixels ? img : await opts.readForCrops?.((COARSEST_READ * sourcePxPerInputPx) / model.secondStage.card.factor);
    if (film) refined = await refineLandmarks(model, film, o, flip, landmarks, sourcePxPerInputPx);
  }
  const t2b = performance.now();
  if (opts.spacing) {
    for (const lm of landmarks) {
      lm.xMm = lm.x * opts.spacing.colMm;
      lm.yMm = lm.y * opts.spacing.rowMm;
    }
  }
  const { features, shapeD2 } = pointFeatures(model.card, output, decoded);
  const t3 = performance.now();
  return {
    landmarks,
    modelFrame: { points: decoded, features, shapeD2, sourcePxPerInputPx, reframeZoom: reframe?.zoom },
    refined,
    timingsMs: { preprocess: t1 - t0, inference: t2 - t1, refine: t2b - t2, decode: t3 - t2b },
  };
}
