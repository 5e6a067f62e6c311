// Plane geometry on image points. Every function is free of the image's axis conventions: angles
// come from dot and cross products of vectors between landmarks, never from image x or y, so
// results survive rotation, translation, uniform scale and mirroring of a tracing. Where a
// construction has no answer (a zero-length direction) we throw DegenerateGeometryError, which
// the evaluator turns into 'cannot_compute' instead of letting NaN or Infinity through.
import type { Point } from './types.js';

export class DegenerateGeometryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DegenerateGeometryError';
  }
}

/** Below this length (pixels) a direction is taken as undefined: a billionth of a pixel. */
const MIN_LENGTH = 1e-9;

const DEG_PER_RAD = 180 / Math.PI;

export function sub(a: Point, b: Point): Point {
  return { x: a.x - b.x, y: a.y - b.y };
}

export function add(a: Point, b: Point): Point {
  return { x: a.x + b.x, y: a.y + b.y };
}

export function scale(v: Point, k: number): Point {
  return { x: v.x * k, y: v.y * k };
}

export function dot(a: Point, b: Point): number {
  return a.x * b.x + a.y * b.y;
}

/** z component of the 3-D cross product; its sign depends on handedness, so use it only in pairs. */
export function cross(a: Point, b: Point): number {
  return a.x * b.y - a.y * b.x;
}

export function length(v: Point): number {
  return Math.hypot(v.x, v.y);
}

export function distance(a: Point, b: Point): number {
  return length(sub(a, b));
}

export function midpoint(a: Point, b: Point): Point {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

export function toDegrees(rad: number): number {
  return rad * DEG_PER_RAD;
}

/** `what` names the direction in the error, e.g. 'S-N' for a sella-nasion line. */
export function unit(v: Point, what: string): Point {
  const n = length(v);
  if (!(n > MIN_LENGTH)) throw new DegenerateGeometryError(`${what} has no direction (coincident points)`);
  return { x: v.x / n, y: v.y / n };
}

/** Unsigned angle between two directions, degrees in [0, 180]. */
export function angleBetween(u: Point, v: Point, what: string): number {
  const a = unit(u, `${what}: first direction`);
  const b = unit(v, `${what}: second direction`);
  // atan2 of |sin| and cos stays accurate near 0 and 180 degrees, where acos loses digits.
  return toDegrees(Math.atan2(Math.abs(cross(a, b)), dot(a, b)));
}

/** Angle a-vertex-b, degrees in [0, 180]. */
export function angleAt(a: Point, vertex: Point, b: Point, what: string): number {
  return angleBetween(sub(a, vertex), sub(b, vertex), what);
}

/** Unsigned distance between two points, divided by another: a scale-free ratio. */
export function lengthRatio(num: [Point, Point], den: [Point, Point], what: string): number {
  const d = distance(den[0], den[1]);
  if (!(d > MIN_LENGTH)) throw new DegenerateGeometryError(`${what}: reference length is zero`);
  return distance(num[0], num[1]) / d;
}

/** Perpendicular turned toward `hint`; throws when `hint` runs along `dir`, leaving no side. */
export function perpendicularToward(dir: Point, hint: Point, what: string): Point {
  const d = unit(dir, what);
  const p = { x: -d.y, y: d.x };
  const side = dot(p, hint);
  if (!(Math.abs(side) > MIN_LENGTH * Math.max(1, length(hint)))) {
    throw new DegenerateGeometryError(`${what}: reference point lies on the line, side undefined`);
  }
  return side > 0 ? p : scale(p, -1);
}
