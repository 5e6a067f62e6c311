// Signed measures (ANB-like differences, Wits, convexity, lip to E-line, plane inclinations)
// must keep their clinical sign whether the patient faces left or right and whatever the image's
// y convention. So signs are never read from image axes: each signed measure builds a frame whose
// 'anterior' and 'inferior' directions come from anatomy — a line whose direction is known
// (S→N and Po→Or run forward; N→Pog runs downward) plus a landmark known to lie on one side of it
// (the jaws lie below FH and SN; sella and porion lie behind the facial profile lines).
import { dot, perpendicularToward, sub, toDegrees, unit } from './geometry.js';
import type { Point } from './types.js';

export interface ProfileFrame {
  /** Unit vector pointing forward (toward the face). */
  readonly anterior: Point;
  /** Unit vector pointing toward the feet, perpendicular to `anterior`. */
  readonly inferior: Point;
}

/** From a line that runs forward (from → to) and a landmark that lies below it. */
export function frameFromForwardLine(from: Point, to: Point, below: Point, what: string): ProfileFrame {
  const anterior = unit(sub(to, from), what);
  const inferior = perpendicularToward(anterior, sub(below, from), what);
  return { anterior, inferior };
}

/** From a line that runs downward (from → to) and a landmark that lies behind it. */
export function frameFromDescendingLine(from: Point, to: Point, behind: Point, what: string): ProfileFrame {
  const inferior = unit(sub(to, from), what);
  const anterior = perpendicularToward(inferior, sub(from, behind), what);
  return { anterior, inferior };
}

/** How far `p` lies in front of `origin`, in pixels (negative: behind). */
export function anteriorOffset(frame: ProfileFrame, origin: Point, p: Point): number {
  return dot(sub(p, origin), frame.anterior);
}

/**
 * Direction of `v` in degrees, 0 = straight forward, +90 = straight down, in (-180, 180].
 * So a line "tilted down anteriorly" has a small positive inclination.
 */
export function inclination(frame: ProfileFrame, v: Point, what: string): number {
  const d = unit(v, what);
  return toDegrees(Math.atan2(dot(d, frame.inferior), dot(d, frame.anterior)));
}
