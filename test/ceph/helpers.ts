// Small helpers shared by the ceph tests.
import assert from 'node:assert/strict';
import { evaluateMeasure } from '../../src-shared/ceph/evaluate-measure.js';
import type { MeasureDef, MeasureResult, Point, Tracing } from '../../src-shared/ceph/types.js';

/** Point at `len` pixels from `origin`, heading `deg` measured from +x toward +y (image y down). */
export function at(origin: Point, deg: number, len: number): Point {
  const r = (deg * Math.PI) / 180;
  return { x: origin.x + len * Math.cos(r), y: origin.y + len * Math.sin(r) };
}

export const DEG = 180 / Math.PI;

/** Evaluates and insists on an ok result, returning its value. */
export function valueOf(measure: MeasureDef, tracing: Tracing, mmPerPixel?: number): number {
  const r = evaluateMeasure(measure, tracing, { mmPerPixel });
  assert.equal(r.status, 'ok', `${measure.id}: ${JSON.stringify(r)}`);
  return (r as Extract<MeasureResult, { status: 'ok' }>).value;
}

export function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Number.isFinite(actual), `${what}: not finite (${actual})`);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} differs from ${expected} by more than ${tol}`);
}
