// Progress events fan out to every transport (SSE clients, the Electron window, the CLI).
import type { ProgressEvent } from '../../src-shared/api/contract.js';

export interface EventBus {
  publish(ev: ProgressEvent): void;
  subscribe(fn: (ev: ProgressEvent) => void): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<(ev: ProgressEvent) => void>();
  return {
    publish(ev) {
      for (const fn of listeners) {
        try {
          fn(ev);
        } catch {
          /* a broken listener must not stop the work it reports on */
        }
      }
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** ETA from the average time per finished item. */
export function etaSeconds(startedMs: number, done: number, total: number): number | null {
  if (done === 0) return null;
  return (((performance.now() - startedMs) / done) * (total - done)) / 1000;
}
