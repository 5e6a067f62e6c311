// Antero-posterior position of the jaws: relative to the anterior cranial base (Steiner), to the
// facial plane N-Pog (Downs, Ricketts), to the nasion perpendicular (McNamara) and to each other
// along the occlusal plane (Wits).
import { defineMeasure } from '../define-measure.js';
import { angleAt, angleBetween, dot, sub, unit } from '../geometry.js';
import { OCCLUSAL_PLANE_LANDMARKS, occlusalPlane } from '../occlusal-plane.js';
import { anteriorOffset, frameFromDescendingLine, inclination } from '../profile-frame.js';

export const sna = defineMeasure({
  id: 'sna',
  name: 'SNA',
  unit: 'deg',
  needs: ['sella', 'nasion', 'subspinale'],
  description: 'Angle S-N-A: maxillary base relative to the anterior cranial base.',
  compute: (p) => angleAt(p.sella, p.nasion, p.subspinale, 'S-N-A'),
});

export const snb = defineMeasure({
  id: 'snb',
  name: 'SNB',
  unit: 'deg',
  needs: ['sella', 'nasion', 'supramentale'],
  description: 'Angle S-N-B: mandibular base relative to the anterior cranial base.',
  compute: (p) => angleAt(p.sella, p.nasion, p.supramentale, 'S-N-B'),
});

export const anb = defineMeasure({
  id: 'anb',
  name: 'ANB',
  unit: 'deg',
  needs: ['sella', 'nasion', 'subspinale', 'supramentale'],
  // Defined as SNA - SNB rather than the unsigned angle A-N-B: the difference carries the
  // clinical sign (negative when B lies ahead of A) in either facing direction.
  description: 'SNA minus SNB; negative when the mandibular base lies ahead of the maxillary base.',
  compute: (p) =>
    angleAt(p.sella, p.nasion, p.subspinale, 'S-N-A') - angleAt(p.sella, p.nasion, p.supramentale, 'S-N-B'),
});

export const facialAngle = defineMeasure({
  id: 'facial_angle',
  name: 'Facial angle (FH to N-Pog)',
  unit: 'deg',
  needs: ['porion', 'orbitale', 'nasion', 'pogonion'],
  // The inferior-posterior angle between FH and the facial plane: below 90 when Pog lies behind
  // the perpendicular to FH through N.
  description: 'Downs: angle between Frankfort horizontal and the facial plane N-Pog.',
  compute: (p) => angleBetween(sub(p.porion, p.orbitale), sub(p.pogonion, p.nasion), 'FH / N-Pog'),
});

export const facialDepth = defineMeasure({
  id: 'facial_depth',
  name: 'Facial depth (FH to N-Pog)',
  unit: 'deg',
  needs: ['porion', 'orbitale', 'nasion', 'pogonion'],
  description: "Ricketts: same construction as Downs' facial angle, read against Ricketts' norm.",
  compute: (p) => angleBetween(sub(p.porion, p.orbitale), sub(p.pogonion, p.nasion), 'FH / N-Pog'),
});

export const maxillaryDepth = defineMeasure({
  id: 'maxillary_depth',
  name: 'Maxillary depth (FH to N-A)',
  unit: 'deg',
  needs: ['porion', 'orbitale', 'nasion', 'subspinale'],
  description: 'Ricketts: inferior-posterior angle between FH and the line N-A.',
  compute: (p) => angleBetween(sub(p.porion, p.orbitale), sub(p.subspinale, p.nasion), 'FH / N-A'),
});

export const convexityAngle = defineMeasure({
  id: 'convexity_angle',
  name: 'Angle of convexity (N-A-Pog)',
  unit: 'deg',
  needs: ['sella', 'nasion', 'subspinale', 'pogonion'],
  // 180 minus angle N-A-Pog, positive when A lies in front of the facial plane N-Pog (convex
  // profile). Which side is "in front" is taken from sella, which always lies behind that plane.
  description: 'Downs: supplement of N-A-Pog; positive for a convex profile (A ahead of N-Pog).',
  compute: (p) => {
    const bend = 180 - angleAt(p.nasion, p.subspinale, p.pogonion, 'N-A-Pog');
    const frame = frameFromDescendingLine(p.nasion, p.pogonion, p.sella, 'N-Pog with S behind');
    const side = Math.sign(anteriorOffset(frame, p.nasion, p.subspinale));
    return side === 0 ? 0 : side * bend;
  },
});

export const convexityMm = defineMeasure({
  id: 'convexity_mm',
  name: 'Convexity (A to N-Pog)',
  unit: 'mm',
  needs: ['sella', 'nasion', 'pogonion', 'subspinale'],
  description: 'Ricketts: distance from A to the facial plane N-Pog; positive when A lies ahead of it.',
  compute: (p) => {
    const frame = frameFromDescendingLine(p.nasion, p.pogonion, p.sella, 'N-Pog with S behind');
    return anteriorOffset(frame, p.nasion, p.subspinale);
  },
});

export const abPlaneAngle = defineMeasure({
  id: 'ab_plane',
  name: 'A-B plane angle',
  unit: 'deg',
  needs: ['porion', 'nasion', 'pogonion', 'subspinale', 'supramentale'],
  // Angle from the facial plane to the line A-B, both taken downward; positive when B lies ahead
  // of A (the A-B line turned forward), negative in the usual case. Porion fixes "behind".
  description: 'Downs: angle between the line A-B and the facial plane N-Pog; negative when B lies behind A.',
  compute: (p) => {
    const frame = frameFromDescendingLine(p.nasion, p.pogonion, p.porion, 'N-Pog with Po behind');
    // The facial plane itself sits at +90 (straight down) in its own frame.
    return 90 - inclination(frame, sub(p.supramentale, p.subspinale), 'A-B');
  },
});

export const nPerpToA = defineMeasure({
  id: 'nperp_a',
  name: 'N-perp to A',
  unit: 'mm',
  needs: ['porion', 'orbitale', 'nasion', 'subspinale'],
  description: 'McNamara: distance of A from the perpendicular to FH through N; positive when A is ahead.',
  compute: (p) => dot(sub(p.subspinale, p.nasion), unit(sub(p.orbitale, p.porion), 'FH (Po-Or)')),
});

export const nPerpToPog = defineMeasure({
  id: 'nperp_pog',
  name: 'N-perp to Pog',
  unit: 'mm',
  needs: ['porion', 'orbitale', 'nasion', 'pogonion'],
  description: 'McNamara: distance of Pog from the perpendicular to FH through N; positive when Pog is ahead.',
  compute: (p) => dot(sub(p.pogonion, p.nasion), unit(sub(p.orbitale, p.porion), 'FH (Po-Or)')),
});

export const wits = defineMeasure({
  id: 'wits',
  name: 'Wits appraisal (AO-BO)',
  unit: 'mm',
  needs: [...OCCLUSAL_PLANE_LANDMARKS, 'subspinale', 'supramentale'],
  // AO and BO are the feet of perpendiculars from A and B on the occlusal plane; their distance
  // along the plane is the projection of A - B on its forward direction (molars → incisors).
  description: 'Jacobson: A and B projected on the occlusal plane; positive when AO lies ahead of BO.',
  compute: (p) => {
    const plane = occlusalPlane(p);
    const forward = unit(sub(plane.anterior, plane.posterior), 'occlusal plane (molars to incisors)');
    return dot(sub(p.subspinale, p.supramentale), forward);
  },
});
