// How a landmark looks, from its confidence alone, so the overlay, the landmark list and any
// legend agree. The model's confidence is a heatmap peak score in [0, 1]; hand-placed points
// have none.

/** Below this the model's point must be reviewed by the clinician before it is trusted. */
export const LOW_CONFIDENCE = 0.3;
/** At or above this the point is drawn as confident. */
export const HIGH_CONFIDENCE = 0.6;

export type ConfidenceBand = 'high' | 'medium' | 'low' | 'hand';

export function confidenceBand(confidence: number | null, source: 'model' | 'hand'): ConfidenceBand {
  if (source === 'hand' || confidence === null) return 'hand';
  if (confidence < LOW_CONFIDENCE) return 'low';
  return confidence < HIGH_CONFIDENCE ? 'medium' : 'high';
}

export function needsReview(confidence: number | null, source: 'model' | 'hand'): boolean {
  return confidenceBand(confidence, source) === 'low';
}

export const BAND_COLOUR: Record<ConfidenceBand, string> = {
  high: 'rgb(64, 220, 96)',
  medium: 'rgb(255, 200, 40)',
  low: 'rgb(255, 70, 70)',
  hand: 'rgb(80, 200, 255)',
};
