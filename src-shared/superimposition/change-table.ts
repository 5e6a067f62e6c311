// What changed between time points: every measure of the chosen analyses at each time point and
// its change from the first, and each landmark's displacement from the first in the
// superimposition's frame (x forward along the reference line, y downward, mm).
import { evaluateAnalysis } from '../ceph/evaluate-analysis.js';
import type { LandmarkId, Unit } from '../ceph/types.js';
import { ALL_LANDMARKS } from '../landmarks.js';
import { superimpose, type PlacedTracing, type RegistrationId, type Superimposed } from './registration.js';

export interface TimePoint extends PlacedTracing {
  /** ISO date of the study, where known */
  date?: string | null;
  /** age in years at the study, where the birth date is known */
  ageYears?: number | null;
}

export interface MeasureChange {
  id: string;
  name: string;
  unit: Unit;
  /** per time point (null: not computable on that tracing) */
  values: (number | null)[];
  /** per time point, minus the first's (null for the first, or where either is missing) */
  changes: (number | null)[];
}

export interface LandmarkChange {
  id: LandmarkId;
  /** per time point, in the frame (mm) */
  positions: ({ x: number; y: number } | null)[];
  /** per time point, from the first: along x, along y, and the distance (mm) */
  displacements: ({ dx: number; dy: number; d: number } | null)[];
}

export interface ChangeTable {
  registration: Omit<Superimposed, 'tracings' | 'onFirstImage' | 'imageToFirst'>;
  timePoints: { label: string; date: string | null; ageYears: number | null }[];
  analyses: string[];
  measures: MeasureChange[];
  landmarks: LandmarkChange[];
  /** per time point, its landmarks drawn on the first time point's image (pixels) */
  onFirstImage: Superimposed['onFirstImage'];
  /** per time point, its image's pixels -> the first image's pixels */
  imageToFirst: Superimposed['imageToFirst'];
}

export function changeTable(points: readonly TimePoint[], registration: RegistrationId, analyses: readonly string[]): ChangeTable {
  const sup = superimpose(points, registration);
  const measures = new Map<string, MeasureChange>();
  points.forEach((t, i) => {
    for (const a of analyses) {
      for (const m of evaluateAnalysis(a, t.tracing, { mmPerPixel: t.mmPerPixel }).measures) {
        const row = measures.get(m.id) ?? { id: m.id, name: m.name, unit: m.unit, values: points.map(() => null), changes: points.map(() => null) };
        measures.set(m.id, row);
        row.values[i] = m.result.status === 'ok' ? m.result.value : null;
      }
    }
  });
  for (const row of measures.values()) {
    const v0 = row.values[0];
    row.changes = row.values.map((v, i) => (i > 0 && v !== null && v0 !== null ? v - v0 : null));
  }
  const landmarks: LandmarkChange[] = [];
  for (const { id } of ALL_LANDMARKS) {
    const positions = sup.tracings.map((t) => t[id] ?? null);
    if (positions.every((p) => p === null)) continue;
    const p0 = positions[0];
    const displacements = positions.map((p, i) => (i > 0 && p && p0 ? { dx: p.x - p0.x, dy: p.y - p0.y, d: Math.hypot(p.x - p0.x, p.y - p0.y) } : null));
    landmarks.push({ id, positions, displacements });
  }
  const { tracings: _inFrame, onFirstImage: _onFirst, imageToFirst: _toFirst, ...registrationInfo } = sup;
  return {
    registration: registrationInfo,
    timePoints: points.map((t) => ({ label: t.label, date: t.date ?? null, ageYears: t.ageYears ?? null })),
    analyses: [...analyses],
    measures: [...measures.values()],
    landmarks,
    onFirstImage: sup.onFirstImage,
    imageToFirst: sup.imageToFirst,
  };
}
