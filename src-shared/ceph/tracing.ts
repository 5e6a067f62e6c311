// Reading points out of a tracing that may have come from JSON, a database or a model: anything
// that is not a pair of finite numbers counts as absent, so it is reported as missing rather than
// turning into NaN further on.
import type { LandmarkId, Point, Tracing } from './types.js';

export function usablePoint(value: unknown): Point | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { x, y } = value as { x?: unknown; y?: unknown };
  if (typeof x !== 'number' || typeof y !== 'number') return undefined;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
  return { x, y };
}

/** Landmarks of `ids` that the tracing lacks (or holds unusable values for), in the given order. */
export function missingLandmarks(tracing: Tracing, ids: readonly LandmarkId[]): LandmarkId[] {
  return ids.filter((id) => usablePoint(tracing[id]) === undefined);
}

/**
 * Point-wise mean of several tracings (e.g. the ISBI senior and junior annotations). A landmark
 * is kept only where every tracing has it.
 */
export function averageTracings(tracings: readonly Tracing[]): Record<LandmarkId, Point> {
  const out: Record<LandmarkId, Point> = {};
  if (tracings.length === 0) return out;
  for (const id of Object.keys(tracings[0])) {
    const pts = tracings.map((t) => usablePoint(t[id]));
    if (pts.some((p) => p === undefined)) continue;
    const sum = (pts as Point[]).reduce((acc, p) => ({ x: acc.x + p.x, y: acc.y + p.y }), { x: 0, y: 0 });
    out[id] = { x: sum.x / pts.length, y: sum.y / pts.length };
  }
  return out;
}
