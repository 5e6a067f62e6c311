// How superimposed tracings are drawn, the same in the viewer and the PDF: one colour per time
// point (distinct on a radiograph and in a grey print by their order), and a schematic outline
// joining the landmarks so a change of shape reads at a glance.
import type { LandmarkId } from '../ceph/types.js';

/** T0, T1, T2 ... (cycled beyond) */
export const TIME_POINT_COLOURS = ['#00c8ff', '#ff3b30', '#ffd60a', '#34c759', '#bf5af2', '#ff9f0a'] as const;

export function timePointColour(i: number): string {
  return TIME_POINT_COLOURS[i % TIME_POINT_COLOURS.length];
}

/** Segments of the outline: cranial base, Frankfort, palate, mandible, incisors, soft tissue. */
export const OUTLINE: readonly (readonly [LandmarkId, LandmarkId])[] = [
  ['sella', 'nasion'],
  ['porion', 'orbitale'],
  ['posterior_nasal_spine', 'anterior_nasal_spine'],
  ['anterior_nasal_spine', 'subspinale'],
  ['subspinale', 'upper_incisal_incision'],
  ['articulare', 'gonion'],
  ['gonion', 'menton'],
  ['menton', 'gnathion'],
  ['gnathion', 'pogonion'],
  ['pogonion', 'supramentale'],
  ['supramentale', 'lower_incisal_incision'],
  ['subnasale', 'upper_lip'],
  ['upper_lip', 'lower_lip'],
  ['lower_lip', 'soft_tissue_pogonion'],
];
