// How the safety net's verdicts appear in the CLI's JSON and CSV (detect, batch): per image a
// `check`, per landmark its uncertainty and flag.
import { InvalidArgumentError } from 'commander';
import type { Orientation, Rotation } from '../inference/orientation.js';
import type { CheckedLandmark, ImageCheck } from '../inference/trace.js';

export interface OrientationOptions {
  facingLeft?: boolean;
  rotation?: string;
  inverted?: boolean;
}

/** The user's word on the orientation, where any was given; otherwise the check decides. */
export function orientationFromOptions(o: OrientationOptions): Orientation | undefined {
  if (!o.facingLeft && o.rotation === undefined && !o.inverted) return undefined;
  const rotation = Number(o.rotation ?? 0);
  if (![0, 90, 180, 270].includes(rotation)) throw new InvalidArgumentError(`--rotation must be 0, 90, 180 or 270, not ${o.rotation}`);
  return { rotation: rotation as Rotation, mirrored: !!o.facingLeft, inverted: !!o.inverted };
}

export function checkJson(c: ImageCheck) {
  return {
    isCephalogram: c.isCephalogram,
    orientation: { mirrored: c.orientation.mirrored, rotation: c.orientation.rotation, inverted: c.orientation.inverted, source: c.orientation.source, ...(c.orientation.probability !== undefined ? { probability: round(c.orientation.probability, 4) } : {}) },
    shapeD2: c.shapeD2 !== undefined ? round(c.shapeD2, 2) : undefined,
    meanConfidence: round(c.meanConfidence, 4),
    warnings: c.warnings,
  };
}

export function landmarkJson(l: CheckedLandmark) {
  return { ...l, uncertaintyPx: round(l.uncertaintyPx, 2), ...(l.uncertaintyMm !== undefined ? { uncertaintyMm: round(l.uncertaintyMm, 2) } : {}) };
}

export const CHECK_CSV_COLUMNS = ['is_cephalogram', 'mirrored', 'rotation', 'inverted', 'warnings'];

export function checkCsv(c: ReturnType<typeof checkJson>) {
  return { is_cephalogram: c.isCephalogram, mirrored: c.orientation.mirrored, rotation: c.orientation.rotation, inverted: c.orientation.inverted, warnings: c.warnings.map((w) => w.code).join(' ') };
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}
