// The occlusal plane from the landmarks we have. The functional occlusal plane (Jenkins, Jacobson)
// runs through the intercuspation of premolars and molars, but premolars are not traced here; with
// first molars and incisors only, the best available is Downs' bisected occlusal plane: from the
// midpoint of the molar cusps to the midpoint of the incisal tips (the overbite). Wits, occlusal
// plane angles and the incisor-to-occlusal-plane angle all use this one construction.
import { midpoint } from './geometry.js';
import type { Point } from './types.js';

export const OCCLUSAL_PLANE_LANDMARKS = [
  'upper_molar',
  'lower_molar',
  'upper_incisal_incision',
  'lower_incisal_incision',
] as const;

type OcclusalPoints = Readonly<Record<(typeof OCCLUSAL_PLANE_LANDMARKS)[number], Point>>;

export interface OcclusalPlane {
  /** Midpoint of the first molar cusps. */
  readonly posterior: Point;
  /** Midpoint of the incisal tips; posterior → anterior runs forward. */
  readonly anterior: Point;
}

export function occlusalPlane(p: OcclusalPoints): OcclusalPlane {
  return {
    posterior: midpoint(p.upper_molar, p.lower_molar),
    anterior: midpoint(p.upper_incisal_incision, p.lower_incisal_incision),
  };
}
