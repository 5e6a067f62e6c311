// What the tracing on the report shows, in original image pixels: the landmarks (model, hand,
// low-confidence) and the reference lines of the chosen analyses. Kept apart from any drawing
// library so the choice of lines can be tested and reused by another renderer.
import { tracingLines, type TracingLine } from '../../src-shared/ceph/tracing-lines.js';
import { reportedBand, type ConfidenceBand } from '../../src-shared/landmark-bands.js';
import type { LandmarkEntry } from './report-schema.js';

export type SceneLine = TracingLine;

export interface ScenePoint {
  id: string;
  abbreviation: string;
  x: number;
  y: number;
  source: 'model' | 'hand';
  lowConfidence: boolean;
  /** drawn in the viewer's colour for it */
  band: ConfidenceBand;
}

export interface TracingScene {
  lines: SceneLine[];
  points: ScenePoint[];
}

export function tracingScene(landmarks: readonly LandmarkEntry[], analysisIds: readonly string[]): TracingScene {
  const lines = tracingLines(Object.fromEntries(landmarks.map((l) => [l.id, { x: l.x, y: l.y }])), analysisIds);
  const points: ScenePoint[] = landmarks.map((l) => ({
    id: l.id,
    abbreviation: l.abbreviation,
    x: l.x,
    y: l.y,
    source: l.source,
    lowConfidence: l.lowConfidence,
    band: reportedBand(l),
  }));
  return { lines, points };
}
