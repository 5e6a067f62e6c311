// ISBI 2015 annotation rows (x1,y1 ... x19,y19 in pixels, 0.1 mm per pixel) as tracings, for
// scripts that compare model output with the challenge's references.
import { AppError } from '../errors.js';
import { ISBI_LANDMARKS } from '../landmarks.js';
import type { LandmarkId, Point } from './types.js';

/** Pixel spacing of the ISBI 2015 images. */
export const ISBI_MM_PER_PIXEL = 0.1;

/** `coords` holds x1, y1, x2, y2, ... in the landmark order of ISBI_LANDMARKS. */
export function tracingFromIsbiCoordinates(coords: readonly number[]): Record<LandmarkId, Point> {
  if (coords.length !== ISBI_LANDMARKS.length * 2 || !coords.every(Number.isFinite)) {
    throw new AppError('bad_request', `expected ${ISBI_LANDMARKS.length * 2} finite coordinates, got ${coords.length}`);
  }
  const out: Record<LandmarkId, Point> = {};
  ISBI_LANDMARKS.forEach((l, i) => {
    out[l.id] = { x: coords[2 * i], y: coords[2 * i + 1] };
  });
  return out;
}
