// Landmark definitions. The 19 ISBI 2015 landmarks are what the shipped model predicts, in the
// order of the dataset's CSV columns; the others are placed by hand when an analysis needs them.

export interface LandmarkDef {
  id: string; // stable key used in the database and analyses
  abbr: string; // what orthodontists write on a tracing
  name: string;
}

export const ISBI_LANDMARKS: readonly LandmarkDef[] = [
  { id: 'sella', abbr: 'S', name: 'Sella' },
  { id: 'nasion', abbr: 'N', name: 'Nasion' },
  { id: 'orbitale', abbr: 'Or', name: 'Orbitale' },
  { id: 'porion', abbr: 'Po', name: 'Porion' },
  { id: 'subspinale', abbr: 'A', name: 'Subspinale (A point)' },
  { id: 'supramentale', abbr: 'B', name: 'Supramentale (B point)' },
  { id: 'pogonion', abbr: 'Pog', name: 'Pogonion' },
  { id: 'menton', abbr: 'Me', name: 'Menton' },
  { id: 'gnathion', abbr: 'Gn', name: 'Gnathion' },
  { id: 'gonion', abbr: 'Go', name: 'Gonion' },
  { id: 'lower_incisal_incision', abbr: 'L1', name: 'Lower incisor tip' },
  { id: 'upper_incisal_incision', abbr: 'U1', name: 'Upper incisor tip' },
  { id: 'upper_lip', abbr: 'UL', name: 'Upper lip (labrale superius)' },
  { id: 'lower_lip', abbr: 'LL', name: 'Lower lip (labrale inferius)' },
  { id: 'subnasale', abbr: 'Sn', name: 'Subnasale' },
  { id: 'soft_tissue_pogonion', abbr: "Pog'", name: 'Soft tissue pogonion' },
  { id: 'posterior_nasal_spine', abbr: 'PNS', name: 'Posterior nasal spine' },
  { id: 'anterior_nasal_spine', abbr: 'ANS', name: 'Anterior nasal spine' },
  { id: 'articulare', abbr: 'Ar', name: 'Articulare' },
];

/** Landmarks the model does not predict; analyses that need them ask for them by hand. */
export const MANUAL_LANDMARKS: readonly LandmarkDef[] = [
  { id: 'upper_incisor_apex', abbr: 'U1A', name: 'Upper incisor root apex' },
  { id: 'lower_incisor_apex', abbr: 'L1A', name: 'Lower incisor root apex' },
  { id: 'upper_molar', abbr: 'U6', name: 'Upper first molar, mesial cusp' },
  { id: 'lower_molar', abbr: 'L6', name: 'Lower first molar, mesial cusp' },
  { id: 'pronasale', abbr: 'Prn', name: 'Pronasale (nose tip)' },
  { id: 'condylion', abbr: 'Co', name: 'Condylion' },
  { id: 'basion', abbr: 'Ba', name: 'Basion' },
  { id: 'pterygoid', abbr: 'Pt', name: 'Pterygoid point' },
  { id: 'soft_tissue_nasion', abbr: "N'", name: 'Soft tissue nasion' },
];

/** The model name of a landmark set started by hand (no detection behind it). */
export const MANUAL_SET_MODEL = 'manual';

export const ALL_LANDMARKS: readonly LandmarkDef[] = [...ISBI_LANDMARKS, ...MANUAL_LANDMARKS];
export type LandmarkId = string;

export function landmarkById(id: string): LandmarkDef | undefined {
  return ALL_LANDMARKS.find((l) => l.id === id);
}
