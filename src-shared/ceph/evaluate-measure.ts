// Evaluating one measure on one tracing. The order of checks is the order a user can act on:
// place the missing landmarks, then calibrate, then look at the geometry. Results are never NaN
// or Infinity: degenerate geometry and non-finite arithmetic both become 'cannot_compute'.
import { DegenerateGeometryError } from './geometry.js';
import { usablePoint } from './tracing.js';
import type { Flag, LandmarkId, MeasureDef, MeasureResult, Norm, Point, Tracing } from './types.js';

export interface MeasureOptions {
  /** Image spacing; required by linear measures. */
  readonly mmPerPixel?: number;
  readonly norm?: Norm;
}

export function isUsableSpacing(mmPerPixel: number | undefined): mmPerPixel is number {
  return typeof mmPerPixel === 'number' && Number.isFinite(mmPerPixel) && mmPerPixel > 0;
}

/** One SD either side of the mean counts as normal. */
export function flagFor(deviation: number): Flag {
  if (deviation > 1) return 'high';
  if (deviation < -1) return 'low';
  return 'normal';
}

export function evaluateMeasure(measure: MeasureDef, tracing: Tracing, options: MeasureOptions = {}): MeasureResult {
  const points: Record<LandmarkId, Point> = {};
  const missing: LandmarkId[] = [];
  for (const id of measure.needs) {
    const p = usablePoint(tracing[id]);
    if (p) points[id] = p;
    else missing.push(id);
  }
  if (missing.length > 0) return { status: 'missing', missing };

  let mmPerPixel = 1;
  if (measure.needsCalibration) {
    if (!isUsableSpacing(options.mmPerPixel)) return { status: 'uncalibrated' };
    mmPerPixel = options.mmPerPixel;
  }

  let raw: number;
  try {
    raw = measure.compute(points);
  } catch (e) {
    if (e instanceof DegenerateGeometryError) return { status: 'cannot_compute', reason: e.message };
    throw e; // a bug in a measure, not a property of the tracing
  }
  const value = raw * mmPerPixel;
  if (!Number.isFinite(value)) {
    return { status: 'cannot_compute', reason: `${measure.name} did not give a finite number` };
  }

  const norm = options.norm;
  if (!norm) return { status: 'ok', value };
  const deviation = (value - norm.mean) / norm.sd;
  return { status: 'ok', value, norm, deviation, flag: flagFor(deviation) };
}
