// Runs many images through the model with decoding in a worker thread, a couple of images ahead
// of inference, so the model never waits for JPEG/DICOM decoding.
import { Worker } from 'node:worker_threads';
import type { AppErrorData } from '../../src-shared/errors.js';
import { landmarksFromHeatmaps, needsFlip, type DetectedLandmark } from '../inference/detector.js';
import { Letterbox } from '../inference/letterbox.js';
import type { LoadedModel } from '../inference/model.js';

export type PipelineResult =
  | { path: string; ok: true; image: Record<string, unknown> & { width: number; height: number }; landmarks: DetectedLandmark[] }
  | { path: string; ok: false; error: AppErrorData };

export interface PipelineOptions {
  onResult: (r: PipelineResult) => void | Promise<void>;
  prefetch?: number;
  facingLeft?: boolean;
  shouldStop?: () => boolean;
}

function workerUrl(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  // from sources (tsx), a worker's .ts entry is not transpiled by execArgv alone: a tiny .mjs
  // bootstrap registers tsx inside the worker first
  return fromSource
    ? { url: new URL('./decode-worker-dev.mjs', import.meta.url), execArgv: [] }
    : { url: new URL('./decode-worker.js', import.meta.url), execArgv: [] };
}

export async function runBatchPipeline(model: LoadedModel, paths: string[], opts: PipelineOptions): Promise<{ done: number; failed: number }> {
  const { url, execArgv } = workerUrl();
  const worker = new Worker(url, { workerData: { card: model.card }, execArgv });
  const waiting = new Map<number, { resolve: (m: any) => void; reject: (e: unknown) => void }>();
  let failure: unknown = null;
  worker.on('message', (m: { id: number }) => {
    waiting.get(m.id)?.resolve(m);
    waiting.delete(m.id);
  });
  // a dead worker fails the requests in flight. (Not a Promise.race against one long-lived
  // "worker failed" promise: every race leaves a reaction on it that keeps its result - a
  // decoded image - alive, which leaked ~0.85 MB per image.)
  const failAll = (e: unknown) => {
    failure = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => waiting.size && failAll(new Error(`decode worker exited with code ${code}`)));
  const request = (id: number) => {
    const p = new Promise<any>((resolve, reject) => {
      if (failure) return reject(failure);
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, path: paths[id], facingLeft: opts.facingLeft });
    });
    p.catch(() => undefined); // prefetched requests fail with the worker; the one awaited reports it
    return p;
  };
  const prefetch = opts.prefetch ?? 2;
  const pending: Promise<any>[] = [];
  let next = 0;
  while (next < paths.length && pending.length < prefetch) pending.push(request(next++));
  const { width: iw, height: ih } = model.card.input;
  const flip = needsFlip(model.card, opts.facingLeft);
  let done = 0;
  let failed = 0;
  try {
    for (let i = 0; i < paths.length; i++) {
      if (opts.shouldStop?.()) break;
      const msg = await pending.shift()!;
      if (next < paths.length) pending.push(request(next++));
      if (!msg.ok) {
        failed++;
        await opts.onResult({ path: paths[i], ok: false, error: msg.error });
        continue;
      }
      const out = await model.run(msg.input, 1);
      const landmarks = landmarksFromHeatmaps(model.card, out, new Letterbox(msg.box.srcW, msg.box.srcH, iw, ih, msg.box.span), flip);
      done++;
      await opts.onResult({ path: paths[i], ok: true, image: msg.image, landmarks });
    }
  } finally {
    await worker.terminate();
  }
  return { done, failed };
}
