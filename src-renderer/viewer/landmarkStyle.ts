// How a landmark looks, from its stated uncertainty (the radius that holds the true point with
// 90 % probability) and its review flag, so the overlay, the landmark list and the legend agree.
// Points traced before the model stated uncertainty fall back to its heatmap confidence.
import type { LandmarkPoint } from '../../src-shared/api/contract.js';
import { SURE_MM, type ConfidenceBand } from '../../src-shared/landmark-bands.js';

export { BAND_COLOUR, BAND_LEGEND, SURE_MM, type ConfidenceBand } from '../../src-shared/landmark-bands.js';

/** Legacy sets: below this heatmap confidence a point is to be reviewed. */
export const LOW_CONFIDENCE = 0.3;
const HIGH_CONFIDENCE = 0.6;

type Styled = Pick<LandmarkPoint, 'confidence' | 'source'> & Partial<Pick<LandmarkPoint, 'uncertaintyPx' | 'flagged' | 'accepted'>>;

export function confidenceBand(p: Styled, mmPerPixel?: number): ConfidenceBand {
  if (p.source === 'hand') return 'hand';
  if (p.flagged && !p.accepted) return 'review';
  if (p.uncertaintyPx !== undefined && p.uncertaintyPx !== null) {
    if (p.accepted) return 'sure';
    return mmPerPixel === undefined || p.uncertaintyPx * mmPerPixel <= SURE_MM ? 'sure' : 'check';
  }
  if (p.confidence === null) return 'hand';
  if (p.confidence < LOW_CONFIDENCE) return 'review';
  return p.confidence < HIGH_CONFIDENCE ? 'check' : 'sure';
}

export function needsReview(p: Styled): boolean {
  return confidenceBand(p) === 'review';
}

/** "± 1.4 mm" (or pixels when the image has no spacing), what the list shows for each point. */
export function uncertaintyText(p: Styled, mmPerPixel?: number): string {
  if (p.source === 'hand') return 'by hand';
  if (p.uncertaintyPx === undefined || p.uncertaintyPx === null) return p.confidence === null ? '—' : `${Math.round(p.confidence * 100)}%`;
  return mmPerPixel !== undefined ? `± ${(p.uncertaintyPx * mmPerPixel).toFixed(1)} mm` : `± ${Math.round(p.uncertaintyPx)} px`;
}
