// McNamara's effective jaw lengths: condylion to A (midface) and to gnathion (mandible), and how
// much longer the mandible is, which is what matters for the jaw relationship.
import { defineMeasure } from '../define-measure.js';
import { distance } from '../geometry.js';

export const coToA = defineMeasure({
  id: 'co_a',
  name: 'Effective midfacial length (Co-A)',
  unit: 'mm',
  needs: ['condylion', 'subspinale'],
  description: 'McNamara: distance from condylion to A point.',
  compute: (p) => distance(p.condylion, p.subspinale),
});

export const coToGn = defineMeasure({
  id: 'co_gn',
  name: 'Effective mandibular length (Co-Gn)',
  unit: 'mm',
  needs: ['condylion', 'gnathion'],
  description: 'McNamara: distance from condylion to gnathion.',
  compute: (p) => distance(p.condylion, p.gnathion),
});

export const maxillomandibularDifference = defineMeasure({
  id: 'maxmand_diff',
  name: 'Maxillomandibular difference (Co-Gn − Co-A)',
  unit: 'mm',
  needs: ['condylion', 'subspinale', 'gnathion'],
  description: 'McNamara: effective mandibular length minus effective midfacial length.',
  compute: (p) => distance(p.condylion, p.gnathion) - distance(p.condylion, p.subspinale),
});
