// The landmark positions the measurements are computed from: replaced wholesale when the server
// answers, moved point by point while a landmark is dragged. A tiny external store so React
// components subscribe with useSyncExternalStore and re-render only when it changes.
import type { LandmarkPoint } from '../../src-shared/api/contract.js';
import type { ImagePoint } from './coords.js';
import { perf } from '../perf.js';

export type LiveTracing = Readonly<Record<string, ImagePoint>>;

let tracing: LiveTracing = {};
const listeners = new Set<() => void>();

function publish(next: LiveTracing): void {
  tracing = next;
  for (const l of listeners) l();
}

export const liveTracing = {
  get: (): LiveTracing => tracing,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  replaceAll(points: readonly LandmarkPoint[] | null): void {
    const next: Record<string, ImagePoint> = {};
    for (const p of points ?? []) next[p.landmarkId] = { x: p.x, y: p.y };
    publish(next);
  },
  /** a landmark moved under the mouse: the measurement panel's update time is measured from here */
  move(landmarkId: string, p: ImagePoint): void {
    perf.measurementUpdateStarted();
    publish({ ...tracing, [landmarkId]: { x: p.x, y: p.y } });
  },
};
