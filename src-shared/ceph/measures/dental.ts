// Incisor inclination and position. The incisor long axis runs from root apex to incisal tip
// (apices are placed by hand). Linear incisor positions use the incisal tip because the most
// labial point of the crown is not traced; this reads slightly less than the textbook
// measurement for proclined incisors.
import { defineMeasure } from '../define-measure.js';
import { angleBetween, dot, sub, unit } from '../geometry.js';
import { OCCLUSAL_PLANE_LANDMARKS, occlusalPlane } from '../occlusal-plane.js';
import { anteriorOffset, frameFromDescendingLine } from '../profile-frame.js';

export const u1ToNaDeg = defineMeasure({
  id: 'u1_na_deg',
  name: 'U1 to NA (angle)',
  unit: 'deg',
  needs: ['nasion', 'subspinale', 'upper_incisor_apex', 'upper_incisal_incision'],
  description: 'Steiner: angle between the upper incisor axis and the line N-A.',
  compute: (p) =>
    angleBetween(sub(p.upper_incisal_incision, p.upper_incisor_apex), sub(p.subspinale, p.nasion), 'U1 axis / N-A'),
});

export const u1ToNaMm = defineMeasure({
  id: 'u1_na_mm',
  name: 'U1 to NA (distance)',
  unit: 'mm',
  needs: ['sella', 'nasion', 'subspinale', 'upper_incisal_incision'],
  description: 'Steiner: distance of the upper incisor tip from N-A; positive when ahead of the line.',
  compute: (p) => {
    const frame = frameFromDescendingLine(p.nasion, p.subspinale, p.sella, 'N-A with S behind');
    return anteriorOffset(frame, p.nasion, p.upper_incisal_incision);
  },
});

export const l1ToNbDeg = defineMeasure({
  id: 'l1_nb_deg',
  name: 'L1 to NB (angle)',
  unit: 'deg',
  needs: ['nasion', 'supramentale', 'lower_incisor_apex', 'lower_incisal_incision'],
  description: 'Steiner: angle between the lower incisor axis and the line N-B.',
  compute: (p) =>
    angleBetween(sub(p.lower_incisal_incision, p.lower_incisor_apex), sub(p.nasion, p.supramentale), 'L1 axis / N-B'),
});

export const l1ToNbMm = defineMeasure({
  id: 'l1_nb_mm',
  name: 'L1 to NB (distance)',
  unit: 'mm',
  needs: ['sella', 'nasion', 'supramentale', 'lower_incisal_incision'],
  description: 'Steiner: distance of the lower incisor tip from N-B; positive when ahead of the line.',
  compute: (p) => {
    const frame = frameFromDescendingLine(p.nasion, p.supramentale, p.sella, 'N-B with S behind');
    return anteriorOffset(frame, p.nasion, p.lower_incisal_incision);
  },
});

export const interincisal = defineMeasure({
  id: 'interincisal',
  name: 'Interincisal angle',
  unit: 'deg',
  needs: ['upper_incisor_apex', 'upper_incisal_incision', 'lower_incisor_apex', 'lower_incisal_incision'],
  description: 'Angle between the upper and lower incisor axes, behind the incisal tips.',
  compute: (p) =>
    angleBetween(
      sub(p.upper_incisor_apex, p.upper_incisal_incision),
      sub(p.lower_incisor_apex, p.lower_incisal_incision),
      'U1 axis / L1 axis',
    ),
});

export const impa = defineMeasure({
  id: 'impa',
  name: 'IMPA (L1 to Go-Me)',
  unit: 'deg',
  needs: ['gonion', 'menton', 'lower_incisor_apex', 'lower_incisal_incision'],
  // Measured on the posterior side, so a proclined lower incisor reads above 90.
  description: 'Incisor-mandibular plane angle: lower incisor axis to the mandibular plane Go-Me.',
  compute: (p) =>
    angleBetween(sub(p.lower_incisal_incision, p.lower_incisor_apex), sub(p.gonion, p.menton), 'L1 axis / Go-Me'),
});

export const fmia = defineMeasure({
  id: 'fmia',
  name: 'FMIA (L1 to FH)',
  unit: 'deg',
  needs: ['porion', 'orbitale', 'lower_incisor_apex', 'lower_incisal_incision'],
  // With FMA and IMPA this closes Tweed's triangle: FMA + IMPA + FMIA = 180.
  description: 'Tweed: angle between FH and the lower incisor axis, in front of the incisor.',
  compute: (p) =>
    angleBetween(sub(p.lower_incisal_incision, p.lower_incisor_apex), sub(p.orbitale, p.porion), 'L1 axis / FH'),
});

export const l1ToOcclusal = defineMeasure({
  id: 'l1_occlusal',
  name: 'L1 to occlusal plane',
  unit: 'deg',
  needs: [...OCCLUSAL_PLANE_LANDMARKS, 'lower_incisor_apex'],
  // Downs reads this as the deviation from a right angle: 0 for an incisor upright on the plane,
  // positive when its crown is tipped forward.
  description: 'Downs: angle between the lower incisor axis and the occlusal plane, minus 90.',
  compute: (p) => {
    const plane = occlusalPlane(p);
    return (
      angleBetween(
        sub(p.lower_incisal_incision, p.lower_incisor_apex),
        sub(plane.posterior, plane.anterior),
        'L1 axis / occlusal plane',
      ) - 90
    );
  },
});

export const u1ToAPogMm = defineMeasure({
  id: 'u1_apog_mm',
  name: 'U1 to A-Pog',
  unit: 'mm',
  needs: ['sella', 'subspinale', 'pogonion', 'upper_incisal_incision'],
  description: 'Downs / Ricketts: distance of the upper incisor tip from A-Pog; positive when ahead.',
  compute: (p) => {
    const frame = frameFromDescendingLine(p.subspinale, p.pogonion, p.sella, 'A-Pog with S behind');
    return anteriorOffset(frame, p.subspinale, p.upper_incisal_incision);
  },
});

export const l1ToAPogMm = defineMeasure({
  id: 'l1_apog_mm',
  name: 'L1 to A-Pog',
  unit: 'mm',
  needs: ['sella', 'subspinale', 'pogonion', 'lower_incisal_incision'],
  description: 'Ricketts: distance of the lower incisor tip from A-Pog; positive when ahead.',
  compute: (p) => {
    const frame = frameFromDescendingLine(p.subspinale, p.pogonion, p.sella, 'A-Pog with S behind');
    return anteriorOffset(frame, p.subspinale, p.lower_incisal_incision);
  },
});

export const l1ToAPogDeg = defineMeasure({
  id: 'l1_apog_deg',
  name: 'L1 inclination to A-Pog',
  unit: 'deg',
  needs: ['subspinale', 'pogonion', 'lower_incisor_apex', 'lower_incisal_incision'],
  description: 'Ricketts: angle between the lower incisor axis and the line A-Pog.',
  compute: (p) =>
    angleBetween(sub(p.lower_incisal_incision, p.lower_incisor_apex), sub(p.subspinale, p.pogonion), 'L1 axis / A-Pog'),
});

export const modifiedWits = defineMeasure({
  id: 'mw',
  name: 'Modified Wits (incisal tips along FH)',
  unit: 'mm',
  needs: ['porion', 'orbitale', 'upper_incisal_incision', 'lower_incisal_incision'],
  // The ISBI 2015 script takes the horizontal (image x) distance between the incisal tips. Image
  // axes depend on how the film was placed, so we project on FH instead, which cephalostats
  // orient horizontally: the same number for a well-positioned head, and independent of
  // rotation and of the facing direction.
  description: 'ISBI 2015 MW: upper minus lower incisal tip, projected on FH; positive when the upper tip is ahead.',
  compute: (p) =>
    dot(sub(p.upper_incisal_incision, p.lower_incisal_incision), unit(sub(p.orbitale, p.porion), 'FH (Po-Or)')),
});
