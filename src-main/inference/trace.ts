// The checked tracing of one image: how the film is stored (and straightened), whether it is a
// lateral cephalogram at all, the landmarks, and how far each may be off, with the points a
// clinician should look at flagged. What detect, batch, import and eval all run.
import type { DetectedLandmark, Detection, DetectOptions, GreyImage, Spacing } from './detector.js';
import { detect } from './detector.js';
import { readForCrops, readForModel, readForModelTurned } from './read-for-model.js';
import type { DecodedImageMeta, ModelReadyImage } from '../imaging/types.js';
import type { LoadedModel } from './model.js';
import { describeOrientation, fromGeometryClass, thumbnail, UPRIGHT, type Orientation } from './orientation.js';
import { probabilityBeyond, radii } from './uncertainty.js';
import { applyOffsets, unmirror } from '../adaptation/offset.js';
import { offsetModelOf } from '../adaptation/clinic-model.js';

export interface CheckedLandmark extends DetectedLandmark {
  /** radius (source pixels) holding the true point with the card's coverage (90 %) */
  uncertaintyPx: number;
  /** the same in mm, where the image's spacing is known */
  uncertaintyMm?: number;
  /** worth a clinician's look: likely off by more than the card's flag distance */
  flagged: boolean;
}

export interface CheckWarning {
  code: 'not_cephalogram' | 'implausible_shape' | 'reoriented' | 'orientation_unsure' | 'orientation_overridden';
  message: string;
}

export interface ImageCheck {
  isCephalogram: boolean;
  orientation: Orientation & {
    /** 'auto': the orientation check's; 'user': set by hand, the check not asked */
    source: 'auto' | 'user' | 'none';
    /** the check's probability of the geometry it chose, where it ran */
    probability?: number;
    description: string;
  };
  /** squared Mahalanobis distance of the tracing to the training shapes (about 30-60 for a skull) */
  shapeD2?: number;
  /** the skull was framed unlike the training films: traced again, resampled by this factor (framing.ts) */
  reframeZoom?: number;
  meanConfidence: number;
  warnings: CheckWarning[];
}

export interface Tracing {
  landmarks: CheckedLandmark[];
  check: ImageCheck;
  detection: Detection;
  timingsMs: Detection['timingsMs'] & { orientation: number; check: number };
}

export interface TraceOptions {
  spacing?: Spacing;
  /** the user's word on how the film is stored: the orientation check is then not asked */
  orientation?: Orientation;
  readTurned?: DetectOptions['readTurned'];
  readForCrops?: DetectOptions['readForCrops'];
}

/** Runs the orientation check on an image as stored. */
export async function checkOrientation(model: LoadedModel, img: GreyImage): Promise<{ orientation: Orientation; probability: number; confident: boolean } | undefined> {
  if (!model.orient || !model.orientationCard) return undefined;
  const size = model.orientationCard.input.size;
  const thumb = img.reduced ? thumbnail(img.reduced.pixels, img.reduced.width, img.reduced.height, size) : thumbnail(img.pixels, img.width, img.height, size);
  const p = await model.orient(thumb);
  let best = 0;
  for (let g = 1; g < p.geometry.length; g++) if (p.geometry[g] > p.geometry[best]) best = g;
  const probability = p.geometry[best];
  const confident = probability >= model.orientationCard.min_probability;
  // unsure of the turn: left as stored (the user is told and can set it); polarity stands on its own
  const geo = confident ? fromGeometryClass(best) : { rotation: 0 as const, mirrored: false };
  return { orientation: { ...geo, inverted: p.inverted > 0.5 }, probability, confident };
}

export async function trace(model: LoadedModel, img: GreyImage, opts: TraceOptions = {}): Promise<Tracing> {
  const t0 = performance.now();
  const warnings: CheckWarning[] = [];
  let orientation: ImageCheck['orientation'];
  if (opts.orientation) {
    orientation = { ...opts.orientation, source: 'user', description: describeOrientation(opts.orientation) };
    warnings.push({ code: 'orientation_overridden', message: `orientation set by hand: ${orientation.description}` });
  } else {
    const auto = await checkOrientation(model, img);
    const o = auto?.orientation ?? UPRIGHT;
    orientation = { ...o, source: auto ? 'auto' : 'none', probability: auto?.probability, description: describeOrientation(o) };
    if (auto && !auto.confident) warnings.push({ code: 'orientation_unsure', message: `the orientation check is unsure how this film is stored (${(auto.probability * 100).toFixed(0)} %): check it` });
    if (o.rotation || o.mirrored || o.inverted) warnings.push({ code: 'reoriented', message: `straightened for tracing: ${orientation.description}` });
  }
  const t1 = performance.now();
  const det = await detect(model, img, { spacing: opts.spacing, orientation, readTurned: opts.readTurned, readForCrops: opts.readForCrops });
  const t2 = performance.now();
  const meanConfidence = det.landmarks.reduce((s, l) => s + l.confidence, 0) / det.landmarks.length;
  const shapeD2 = det.modelFrame.shapeD2;
  const cc = model.card.checks?.cephalogram;
  let isCephalogram = true;
  if (cc) {
    const badShape = shapeD2 !== undefined && shapeD2 > cc.max_shape_d2;
    const faint = meanConfidence < cc.min_mean_confidence;
    if (badShape || faint) {
      isCephalogram = false;
      warnings.push({
        code: 'not_cephalogram',
        message: `does not look like a lateral cephalogram (${[badShape ? 'no skull-shaped tracing fits it' : '', faint ? 'no landmark stands out' : ''].filter(Boolean).join('; ')})`,
      });
    } else if (shapeD2 !== undefined && shapeD2 > cc.warn_shape_d2) {
      warnings.push({ code: 'implausible_shape', message: 'the tracing as a whole has an unusual shape: check every point' });
    }
  }
  if (!isCephalogram) {
    // what the orientation check said of a chest film means nothing: the verdict is the message
    for (let i = warnings.length - 1; i >= 0; i--) if (warnings[i].code === 'reoriented' || warnings[i].code === 'orientation_unsure') warnings.splice(i, 1);
  }
  // a clinic's instant adaptation (src-main/adaptation) rides on the model: its offsets move the
  // points, its factor scales the stated radii
  const adaptation = model.adaptation && { offsets: offsetModelOf(model.adaptation), radiusScale: model.adaptation.radius_scale };
  if (adaptation && isCephalogram) {
    const moved = unmirror(applyOffsets(adaptation.offsets, unmirror(det.landmarks, orientation.mirrored, img.width)), orientation.mirrored, img.width);
    det.landmarks.forEach((l, i) => {
      l.x = moved[i].x;
      l.y = moved[i].y;
      if (opts.spacing) {
        l.xMm = l.x * opts.spacing.colMm;
        l.yMm = l.y * opts.spacing.rowMm;
      }
    });
  }
  const cal = model.card.checks?.uncertainty;
  const scale = det.modelFrame.sourcePxPerInputPx;
  const radiusScale = (isCephalogram && adaptation?.radiusScale) || 1;
  const mmPerPx = opts.spacing ? (opts.spacing.rowMm + opts.spacing.colMm) / 2 : undefined;
  // the flag distance in input pixels: the card's mm at this image's own spacing where it is known
  const flagPx = cal && (mmPerPx ? cal.flag_beyond_mm / (mmPerPx * scale) : cal.flag_beyond_px);
  const rs = cal ? radii(cal, det.modelFrame.features) : undefined;
  const landmarks: CheckedLandmark[] = det.landmarks.map((l, i) => {
    const rInput = rs ? rs[i] * radiusScale : NaN;
    const uncertaintyPx = rInput * scale;
    return {
      ...l,
      uncertaintyPx,
      ...(mmPerPx !== undefined ? { uncertaintyMm: uncertaintyPx * mmPerPx } : {}),
      flagged: cal && flagPx ? probabilityBeyond(cal, rInput, flagPx) > cal.flag_probability : false,
    };
  });
  const t3 = performance.now();
  return {
    landmarks,
    check: { isCephalogram, orientation, shapeD2, ...(det.modelFrame.reframeZoom !== undefined ? { reframeZoom: det.modelFrame.reframeZoom } : {}), meanConfidence, warnings },
    detection: det,
    timingsMs: { ...det.timingsMs, orientation: t1 - t0, check: t3 - t2 },
  };
}

/** The file read again, turned (read-for-model.ts) or for the second stage's crops (refine.ts). */
export function fileReads(model: LoadedModel, file: string): Pick<TraceOptions, 'readTurned' | 'readForCrops'> {
  return { readTurned: () => readForModelTurned(file, model.card), readForCrops: (maxSourcePx) => readForCrops(file, model.card, maxSourcePx) };
}

/** The spacing a read image carries, for the radii in mm (none: pixels only). */
export function spacingOf(img: DecodedImageMeta): Spacing | undefined {
  return img.spacing.source !== 'none' ? { rowMm: img.spacing.rowMm, colMm: img.spacing.colMm } : undefined;
}

/** A file read as the app reads it for the model (read again to its turned size if the film is
 *  stored a quarter turn away) and traced; the spacing is the file's unless one is given. */
export async function traceFile(model: LoadedModel, file: string, opts: Omit<TraceOptions, 'readTurned' | 'readForCrops'> = {}): Promise<{ img: ModelReadyImage; tracing: Tracing }> {
  const img = await readForModel(file, model.card);
  const tracing = await trace(model, img, { spacing: spacingOf(img), ...opts, ...fileReads(model, file) });
  return { img, tracing };
}
