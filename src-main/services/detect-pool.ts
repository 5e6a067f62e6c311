// A pool of detect workers (detect-worker.ts), each with its own model session. On the CPU: one
// worker per core (up to 8), each session single-threaded. On a GPU: two, so one image is read
// while the other is on the device.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError, type AppErrorData } from '../../src-shared/errors.js';
import type { DetectedLandmark } from '../inference/detector.js';
import type { LoadedModel } from '../inference/model.js';

export type WorkerRequest = { id: number; kind: 'detect'; path: string; facingLeft?: boolean } | { id: number; kind: 'bare'; runs: number };

export type WorkerReply =
  | { id: number; ok: true; kind: 'ready' }
  | { id: number; ok: true; kind: 'detect'; image: Record<string, unknown> & { width: number; height: number }; landmarks: DetectedLandmark[] }
  | { id: number; ok: true; kind: 'bare'; ms: number }
  | { id: number; ok: false; error: AppErrorData };

export type DetectReply = Extract<WorkerReply, { kind: 'detect' }> | Extract<WorkerReply, { ok: false }>;

export interface DetectPool {
  size: number;
  detect(path: string, facingLeft?: boolean): Promise<DetectReply>;
  /** every worker runs `runs` inferences on a constant input at once: images per second */
  bareThroughput(runs: number): Promise<number>;
  close(): Promise<void>;
}

/** Requests a worker holds at once: the second is read while the first is in the model. */
const DEPTH = 2;

function workerUrl(): URL {
  // from sources (tsx), a worker's .ts entry is not transpiled by execArgv alone: a tiny .mjs
  // bootstrap registers tsx inside the worker first
  return import.meta.url.endsWith('.ts') ? new URL('./detect-worker-dev.mjs', import.meta.url) : new URL('./detect-worker.js', import.meta.url);
}

/** Each worker holds a model session (~80 MB more peak memory each, measured on 2 cores): past 8
 *  the memory grows faster than a clinic's batch needs the throughput. */
const MAX_CPU_WORKERS = 8;

export function defaultPoolSize(model: LoadedModel): number {
  return model.provider.gpu ? 2 : Math.max(1, Math.min(MAX_CPU_WORKERS, os.availableParallelism?.() ?? os.cpus().length));
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, { resolve: (m: WorkerReply) => void; reject: (e: unknown) => void }>;
}

export async function startDetectPool(model: LoadedModel, size = defaultPoolSize(model)): Promise<DetectPool> {
  const slots: Slot[] = [];
  const queue: { req: WorkerRequest; resolve: (m: WorkerReply) => void; reject: (e: unknown) => void }[] = [];
  let failure: unknown = null;
  let closing = false;
  let nextId = 0;

  const pump = () => {
    while (queue.length) {
      const slot = slots.reduce<Slot | undefined>((best, s) => (s.inFlight.size < DEPTH && (!best || s.inFlight.size < best.inFlight.size) ? s : best), undefined);
      if (!slot) return;
      const job = queue.shift()!;
      slot.inFlight.set(job.req.id, { resolve: job.resolve, reject: job.reject });
      slot.worker.postMessage(job.req);
    }
  };
  // a dead worker fails everything waiting, so the caller stops instead of hanging
  const failAll = (e: unknown) => {
    failure ??= e;
    for (const s of slots) {
      for (const w of s.inFlight.values()) w.reject(failure);
      s.inFlight.clear();
    }
    for (const j of queue.splice(0)) j.reject(failure);
  };

  const ready: Promise<void>[] = [];
  for (let i = 0; i < size; i++) {
    const worker = new Worker(workerUrl(), { workerData: { cardPath: model.cardPath, provider: model.provider.name, threads: 1 } });
    const slot: Slot = { worker, inFlight: new Map() };
    slots.push(slot);
    ready.push(
      new Promise<void>((resolve, reject) => {
        worker.on('message', (m: WorkerReply) => {
          if (m.id === -1) return m.ok ? resolve() : reject(new AppError(m.error.code, m.error.message, m.error.detail));
          const w = slot.inFlight.get(m.id);
          slot.inFlight.delete(m.id);
          w?.resolve(m);
          pump();
        });
        worker.on('error', (e) => {
          reject(e);
          failAll(e);
        });
        worker.on('exit', (code) => {
          const e = new Error(`detect worker exited with code ${code}`);
          reject(e);
          // idle or not, a worker gone is a pool that would post work nobody answers
          if (!closing) failAll(e);
        });
      }),
    );
  }
  const close = async () => {
    closing = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  };
  try {
    await Promise.all(ready);
  } catch (e) {
    await close();
    throw e;
  }

  type Unnumbered = { kind: 'detect'; path: string; facingLeft?: boolean } | { kind: 'bare'; runs: number };
  const submit = (req: Unnumbered) =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (failure) return reject(failure);
      queue.push({ req: { ...req, id: nextId++ } as WorkerRequest, resolve, reject });
      pump();
    });

  return {
    size,
    detect: (path, facingLeft) => submit({ kind: 'detect', path, facingLeft }) as Promise<DetectReply>,
    async bareThroughput(runs) {
      // one request per worker, all at once (the queue gives each worker one before any a second)
      const t0 = performance.now();
      const replies = await Promise.all(slots.map(() => submit({ kind: 'bare', runs })));
      for (const r of replies) if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.detail);
      return (runs * slots.length * 1000) / (performance.now() - t0);
    },
    close,
  };
}
