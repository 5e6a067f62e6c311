// Vertical pattern: inclination of the mandibular, occlusal and cranial-base planes, the growth
// axes, and face heights. Inclinations are unsigned where the planes never cross over in practice
// (mandibular plane angles), signed where a reversed tilt is clinically meaningful (occlusal plane).
import { defineMeasure } from '../define-measure.js';
import { angleBetween, distance, lengthRatio, sub } from '../geometry.js';
import { OCCLUSAL_PLANE_LANDMARKS, occlusalPlane } from '../occlusal-plane.js';
import { frameFromForwardLine, inclination } from '../profile-frame.js';

export const snGoGn = defineMeasure({
  id: 'sn_gogn',
  name: 'SN to Go-Gn (mandibular plane)',
  unit: 'deg',
  needs: ['sella', 'nasion', 'gonion', 'gnathion'],
  // Also the ISBI 2015 'FMA': the challenge script computes its FMA from S-N and Go-Gn.
  description: 'Steiner: angle between the anterior cranial base S-N and the mandibular plane Go-Gn.',
  compute: (p) => angleBetween(sub(p.nasion, p.sella), sub(p.gnathion, p.gonion), 'S-N / Go-Gn'),
});

export const fma = defineMeasure({
  id: 'fma',
  name: 'FMA (FH to Go-Me)',
  unit: 'deg',
  needs: ['porion', 'orbitale', 'gonion', 'menton'],
  description: 'Frankfort-mandibular plane angle (Downs, Tweed, Ricketts); mandibular plane taken as Go-Me.',
  compute: (p) => angleBetween(sub(p.orbitale, p.porion), sub(p.menton, p.gonion), 'FH / Go-Me'),
});

export const yAxis = defineMeasure({
  id: 'y_axis',
  name: 'Y-axis (FH to S-Gn)',
  unit: 'deg',
  needs: ['porion', 'orbitale', 'sella', 'gnathion'],
  description: 'Downs: anterior-inferior angle between FH and the line S-Gn; larger for vertical growth.',
  compute: (p) => angleBetween(sub(p.orbitale, p.porion), sub(p.gnathion, p.sella), 'FH / S-Gn'),
});

export const facialAxis = defineMeasure({
  id: 'facial_axis',
  name: 'Facial axis (Ba-N to Pt-Gn)',
  unit: 'deg',
  needs: ['basion', 'nasion', 'pterygoid', 'gnathion'],
  // Taken between N→Ba and Pt→Gn so that a chin growing down and back gives less than 90.
  description: 'Ricketts: angle between the cranial base line Ba-N and the facial axis Pt-Gn; 90 is balanced.',
  compute: (p) => angleBetween(sub(p.basion, p.nasion), sub(p.gnathion, p.pterygoid), 'Ba-N / Pt-Gn'),
});

export const facialTaper = defineMeasure({
  id: 'facial_taper',
  name: 'Facial taper (N-Pog to Go-Me)',
  unit: 'deg',
  needs: ['nasion', 'pogonion', 'gonion', 'menton'],
  description: 'Ricketts: angle between the facial plane and the mandibular plane, inside the face.',
  compute: (p) => angleBetween(sub(p.nasion, p.pogonion), sub(p.gonion, p.menton), 'N-Pog / Go-Me'),
});

export const cranialDeflection = defineMeasure({
  id: 'cranial_deflection',
  name: 'Cranial deflection (Ba-N to FH)',
  unit: 'deg',
  needs: ['basion', 'nasion', 'porion', 'orbitale'],
  description: 'Ricketts: angle between the cranial base Ba-N and FH.',
  compute: (p) => angleBetween(sub(p.nasion, p.basion), sub(p.orbitale, p.porion), 'Ba-N / FH'),
});

export const occlusalToSn = defineMeasure({
  id: 'occlusal_sn',
  name: 'Occlusal plane to SN',
  unit: 'deg',
  needs: ['sella', 'nasion', ...OCCLUSAL_PLANE_LANDMARKS],
  description: 'Steiner: inclination of the occlusal plane to S-N; positive when it runs down anteriorly.',
  compute: (p) => {
    const plane = occlusalPlane(p);
    const frame = frameFromForwardLine(p.sella, p.nasion, plane.posterior, 'S-N with the molars below');
    return inclination(frame, sub(plane.anterior, plane.posterior), 'occlusal plane');
  },
});

export const occlusalToFh = defineMeasure({
  id: 'occlusal_fh',
  name: 'Occlusal plane to FH',
  unit: 'deg',
  needs: ['porion', 'orbitale', ...OCCLUSAL_PLANE_LANDMARKS],
  description: 'Downs: inclination of the occlusal plane to FH; positive when it runs down anteriorly.',
  compute: (p) => {
    const plane = occlusalPlane(p);
    const frame = frameFromForwardLine(p.porion, p.orbitale, plane.posterior, 'FH with the molars below');
    return inclination(frame, sub(plane.anterior, plane.posterior), 'occlusal plane');
  },
});

export const lowerAnteriorFaceHeight = defineMeasure({
  id: 'lafh',
  name: 'Lower anterior face height (ANS-Me)',
  unit: 'mm',
  needs: ['anterior_nasal_spine', 'menton'],
  description: 'McNamara: distance from ANS to menton.',
  compute: (p) => distance(p.anterior_nasal_spine, p.menton),
});

export const facialHeightIndex = defineMeasure({
  id: 'fhi',
  name: 'Facial height index (S-Go / N-Me)',
  unit: 'ratio',
  needs: ['sella', 'gonion', 'nasion', 'menton'],
  description: 'ISBI 2015 FHI: posterior face height S-Go over anterior face height N-Me.',
  compute: (p) => lengthRatio([p.sella, p.gonion], [p.nasion, p.menton], 'S-Go / N-Me'),
});

export const jarabakRatio = defineMeasure({
  id: 'jarabak_ratio',
  name: 'Posterior/anterior face height (S-Go / N-Me)',
  unit: 'percent',
  needs: ['sella', 'gonion', 'nasion', 'menton'],
  description: 'Björk-Jarabak: S-Go as a percentage of N-Me; low values mean a clockwise (long-face) pattern.',
  compute: (p) => 100 * lengthRatio([p.sella, p.gonion], [p.nasion, p.menton], 'S-Go / N-Me'),
});
