// A pool of detect workers (detect-worker.ts), each with its own model session. On the CPU: one
// worker per core (up to 8), each session single-threaded. On a GPU: two, so one image is read
// while the other is on the device. A worker that stops (a decoder taking its thread down, memory)
// is replaced; what it held is retried once, alone, so one bad file is skipped, not the batch.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError, type AppErrorData } from '../../src-shared/errors.js';
import type { Orientation } from '../inference/orientation.js';
import type { CheckedLandmark, ImageCheck } from '../inference/trace.js';
import type { LoadedModel } from '../inference/model.js';
import type { DecodedImageMeta } from '../imaging/types.js';

export type WorkerRequest = { id: number; kind: 'detect'; path: string; orientation?: Orientation } | { id: number; kind: 'bare'; runs: number };

export type WorkerReply =
  | { id: number; ok: true; kind: 'ready' }
  | { id: number; ok: true; kind: 'detect'; image: DecodedImageMeta; landmarks: CheckedLandmark[]; check: ImageCheck }
  | { id: number; ok: true; kind: 'bare'; ms: number }
  | { id: number; ok: false; error: AppErrorData };

export type DetectReply = Extract<WorkerReply, { kind: 'detect' }> | Extract<WorkerReply, { ok: false }>;

export interface DetectPool {
  size: number;
  /** orientation: the user's word on how the files are stored (default: the check decides) */
  detect(path: string, orientation?: Orientation): Promise<DetectReply>;
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

export interface PoolOptions {
  /** the worker's module; tests give one that stops on cue */
  workerUrl?: URL;
}

interface Job {
  req: WorkerRequest;
  resolve: (m: WorkerReply) => void;
  reject: (e: unknown) => void;
  /** times a worker stopped while holding this request */
  crashes: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** started and not yet ready or failed: loading its model */
  starting: boolean;
  /** holding a request that was in a worker that stopped: it runs alone, so a second stop names it */
  solo: boolean;
  inFlight: Map<number, Job>;
  lastError?: unknown;
}

/** How long close() lets the requests already in workers finish before it ends them. */
const CLOSE_WAIT_MS = 30_000;

/** Worker stops in a row, with no image answered between them, after which the pool gives up:
 *  something beyond one file is wrong (memory, the install), and restarting would loop. */
const MAX_STOPS_IN_A_ROW = 4;

export async function startDetectPool(model: LoadedModel, size = defaultPoolSize(model), opts: PoolOptions = {}): Promise<DetectPool> {
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let failure: unknown = null;
  let closing = false;
  let started = false;
  let nextId = 0;
  let stopsInARow = 0;

  const pump = () => {
    while (queue.length && !failure && !closing) {
      const job = queue[0];
      const open = slots.filter((s) => s.ready && !s.solo);
      // a request that was in a stopped worker goes to an idle one, alone
      const slot = job.crashes
        ? open.find((s) => s.inFlight.size === 0)
        : open.reduce<Slot | undefined>((best, s) => (s.inFlight.size < DEPTH && (!best || s.inFlight.size < best.inFlight.size) ? s : best), undefined);
      if (!slot) return;
      queue.shift();
      slot.solo = job.crashes > 0;
      slot.inFlight.set(job.req.id, job);
      slot.worker.postMessage(job.req);
    }
  };
  // the pool cannot go on: everything waiting fails, so the caller stops instead of hanging
  const failAll = (e: unknown) => {
    failure ??= e;
    for (const s of slots) {
      for (const j of s.inFlight.values()) j.reject(failure);
      s.inFlight.clear();
    }
    for (const j of queue.splice(0)) j.reject(failure);
  };

  /** A worker stopped while running: each request it held is retried once, alone, in a fresh
   *  worker; a request that stops a worker twice is answered as failed and the batch goes on. */
  const onStopped = (slot: Slot, code: number) => {
    const reason = slot.lastError instanceof Error ? slot.lastError.message : `exit code ${code}`;
    if (++stopsInARow > MAX_STOPS_IN_A_ROW) return failAll(new AppError('internal', `detect workers keep stopping (${reason})`));
    const held = [...slot.inFlight.values()];
    slot.inFlight.clear();
    slot.solo = false;
    const retry: Job[] = [];
    for (const job of held) {
      job.crashes++;
      if (job.req.kind !== 'detect') job.reject(new AppError('internal', `detect worker stopped (${reason})`));
      else if (job.crashes >= 2) {
        const error = new AppError('internal', `The image reader stopped twice while reading this file (${reason}); it was skipped`, { path: job.req.path });
        job.resolve({ id: job.req.id, ok: false, error: error.toJSON() });
      } else retry.push(job);
    }
    queue.unshift(...retry);
    spawn(slot).catch(failAll);
  };

  const spawn = (slot: Slot) =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(opts.workerUrl ?? workerUrl(), { workerData: { cardPath: model.cardPath, provider: model.provider.name, threads: 1, adaptation: model.adaptation } });
      slot.worker = worker;
      slot.ready = false;
      slot.starting = true;
      slot.lastError = undefined;
      worker.on('message', (m: WorkerReply) => {
        if (m.id === -1) {
          slot.starting = false;
          if (!m.ok) return reject(new AppError(m.error.code, m.error.message, m.error.detail));
          slot.ready = true;
          resolve();
          return pump();
        }
        const job = slot.inFlight.get(m.id);
        slot.inFlight.delete(m.id);
        if (slot.inFlight.size === 0) slot.solo = false;
        if (m.ok) stopsInARow = 0;
        job?.resolve(m);
        pump();
      });
      // an uncaught error in the worker; its exit follows
      worker.on('error', (e) => (slot.lastError = e));
      worker.on('exit', (code) => {
        if (worker !== slot.worker) return;
        slot.starting = false;
        if (closing) {
          for (const j of slot.inFlight.values()) j.reject(new AppError('internal', 'the detect pool was closed'));
          slot.inFlight.clear();
          return;
        }
        if (!slot.ready) {
          slot.inFlight.clear();
          return reject(slot.lastError ?? new Error(`detect worker exited with code ${code} before it was ready`));
        }
        slot.ready = false;
        if (!started || failure) return failAll(slot.lastError ?? new Error(`detect worker exited with code ${code}`));
        onStopped(slot, code);
      });
    });

  for (let i = 0; i < size; i++) slots.push({ worker: undefined as unknown as Worker, ready: false, starting: false, solo: false, inFlight: new Map() });
  const close = async () => {
    closing = true;
    for (const j of queue.splice(0)) j.reject(new AppError('internal', 'the detect pool was closed'));
    // A worker terminated in the middle of a native call (sharp, onnxruntime) can abort the whole
    // process (node-addon-api throws into an environment that is gone): what was handed out is
    // let finish first, for a while, and so is a worker still loading its model (a replacement
    // for one that stopped, or a sibling of one that failed to start): onnxruntime's model load
    // ended that way aborted the test process (core dump: InferenceSessionWrap, Napi::Error).
    const deadline = performance.now() + CLOSE_WAIT_MS;
    while (slots.some((s) => s.inFlight.size || s.starting) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await Promise.all(slots.map((s) => s.worker?.terminate()));
  };
  try {
    await Promise.all(slots.map(spawn));
  } catch (e) {
    await close();
    throw e;
  }
  started = true;

  type Unnumbered = { kind: 'detect'; path: string; orientation?: Orientation } | { kind: 'bare'; runs: number };
  const submit = (req: Unnumbered) =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (failure) return reject(failure);
      queue.push({ req: { ...req, id: nextId++ } as WorkerRequest, resolve, reject, crashes: 0 });
      pump();
    });

  return {
    size,
    detect: (path, orientation) => submit({ kind: 'detect', path, orientation }) as Promise<DetectReply>,
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
