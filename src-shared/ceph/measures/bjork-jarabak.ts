// Björk's polygon N-S-Ar-Go-Me and Jarabak's lengths. The three posterior angles are interior
// angles of that polygon; each stays well below 180 degrees in real skulls, so the unsigned angle
// at the vertex is the interior angle. Their sum exceeds 360 by the angle between S-N and the
// mandibular plane, which is why the sum reads as a vertical-pattern indicator.
import { defineMeasure } from '../define-measure.js';
import { angleAt, distance } from '../geometry.js';

export const saddleAngle = defineMeasure({
  id: 'saddle_angle',
  name: 'Saddle angle (N-S-Ar)',
  unit: 'deg',
  needs: ['nasion', 'sella', 'articulare'],
  description: 'Björk: angle at sella between N and articulare (cranial base flexure).',
  compute: (p) => angleAt(p.nasion, p.sella, p.articulare, 'N-S-Ar'),
});

export const articularAngle = defineMeasure({
  id: 'articular_angle',
  name: 'Articular angle (S-Ar-Go)',
  unit: 'deg',
  needs: ['sella', 'articulare', 'gonion'],
  description: 'Björk: angle at articulare between sella and gonion.',
  compute: (p) => angleAt(p.sella, p.articulare, p.gonion, 'S-Ar-Go'),
});

export const gonialAngle = defineMeasure({
  id: 'gonial_angle',
  name: 'Gonial angle (Ar-Go-Me)',
  unit: 'deg',
  needs: ['articulare', 'gonion', 'menton'],
  description: 'Björk: angle at gonion between the ramus (Ar) and the mandibular body (Me).',
  compute: (p) => angleAt(p.articulare, p.gonion, p.menton, 'Ar-Go-Me'),
});

export const bjorkSum = defineMeasure({
  id: 'bjork_sum',
  name: 'Sum of posterior angles',
  unit: 'deg',
  needs: ['nasion', 'sella', 'articulare', 'gonion', 'menton'],
  description: 'Björk: saddle + articular + gonial angle; above the norm for clockwise (vertical) growth.',
  compute: (p) =>
    angleAt(p.nasion, p.sella, p.articulare, 'N-S-Ar') +
    angleAt(p.sella, p.articulare, p.gonion, 'S-Ar-Go') +
    angleAt(p.articulare, p.gonion, p.menton, 'Ar-Go-Me'),
});

export const upperGonialAngle = defineMeasure({
  id: 'upper_gonial',
  name: 'Upper gonial angle (Ar-Go-N)',
  unit: 'deg',
  needs: ['articulare', 'gonion', 'nasion'],
  description: 'Jarabak: part of the gonial angle above the line Go-N.',
  compute: (p) => angleAt(p.articulare, p.gonion, p.nasion, 'Ar-Go-N'),
});

export const lowerGonialAngle = defineMeasure({
  id: 'lower_gonial',
  name: 'Lower gonial angle (N-Go-Me)',
  unit: 'deg',
  needs: ['nasion', 'gonion', 'menton'],
  description: 'Jarabak: part of the gonial angle below the line Go-N.',
  compute: (p) => angleAt(p.nasion, p.gonion, p.menton, 'N-Go-Me'),
});

export const anteriorCranialBase = defineMeasure({
  id: 's_n',
  name: 'Anterior cranial base (S-N)',
  unit: 'mm',
  needs: ['sella', 'nasion'],
  description: 'Jarabak: length S-N.',
  compute: (p) => distance(p.sella, p.nasion),
});

export const posteriorCranialBase = defineMeasure({
  id: 's_ar',
  name: 'Posterior cranial base (S-Ar)',
  unit: 'mm',
  needs: ['sella', 'articulare'],
  description: 'Jarabak: length S-Ar.',
  compute: (p) => distance(p.sella, p.articulare),
});

export const ramusHeight = defineMeasure({
  id: 'ar_go',
  name: 'Ramus height (Ar-Go)',
  unit: 'mm',
  needs: ['articulare', 'gonion'],
  description: 'Jarabak: length Ar-Go.',
  compute: (p) => distance(p.articulare, p.gonion),
});

export const mandibularBodyLength = defineMeasure({
  id: 'go_me',
  name: 'Mandibular body length (Go-Me)',
  unit: 'mm',
  needs: ['gonion', 'menton'],
  description: 'Jarabak: length Go-Me.',
  compute: (p) => distance(p.gonion, p.menton),
});
