// The four ways a landmark is drawn, in the viewer, its legend and the PDF alike: from its stated
// 90 % radius, its review flag and whether a hand placed it. One table of colours and words, so a
// clinician reads the printed tracing as the screen.

/** A point whose 90 % radius is within this is drawn as sure. */
export const SURE_MM = 2;

export type ConfidenceBand = 'sure' | 'check' | 'review' | 'hand';

export const BANDS: readonly ConfidenceBand[] = ['sure', 'check', 'review', 'hand'];

/** hex, which both CSS and the PDF writer take */
export const BAND_COLOUR: Readonly<Record<ConfidenceBand, string>> = {
  sure: '#40dc60',
  check: '#ffc828',
  review: '#ff4646',
  hand: '#50c8ff',
};

export const BAND_LEGEND: Readonly<Record<ConfidenceBand, string>> = {
  sure: `within ${SURE_MM} mm (90 %)`,
  check: `may be more than ${SURE_MM} mm off`,
  review: 'flagged: look at it',
  hand: 'placed or moved by hand',
};

/** A reported landmark's band (the report states the radius in mm when the image is calibrated). */
export function reportedBand(p: { source: 'model' | 'hand'; lowConfidence: boolean; uncertaintyMm: number | null }): ConfidenceBand {
  if (p.source === 'hand') return 'hand';
  if (p.lowConfidence) return 'review';
  return p.uncertaintyMm === null || p.uncertaintyMm <= SURE_MM ? 'sure' : 'check';
}
