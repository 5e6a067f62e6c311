// At most `limit` tasks at a time; the rest wait their turn in arrival order. What the server uses
// to keep many simultaneous imports (several windows, a drop of a hundred files) from decoding
// all at once and exhausting memory.
export interface Semaphore {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly queued: number;
  readonly limit: number;
}

export function createSemaphore(limit: number): Semaphore {
  let running = 0;
  const waiting: (() => void)[] = [];
  return {
    limit,
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
    async run(task) {
      if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      else running++;
      try {
        return await task();
      } finally {
        // the slot passes straight to the next in line, so `running` never over-counts
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}
