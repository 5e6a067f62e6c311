// Runs many images through the model in a pool of detect workers (detect-pool.ts), a few images
// ahead of the one being reported, and reports them in order.
import type { AppErrorData } from '../../src-shared/errors.js';
import type { Orientation } from '../inference/orientation.js';
import type { CheckedLandmark, ImageCheck } from '../inference/trace.js';
import type { LoadedModel } from '../inference/model.js';
import type { DecodedImageMeta } from '../imaging/types.js';
import { defaultPoolSize, startDetectPool, type DetectPool, type DetectReply } from './detect-pool.js';

export type PipelineResult =
  | { path: string; ok: true; image: DecodedImageMeta; landmarks: CheckedLandmark[]; check: ImageCheck }
  | { path: string; ok: false; error: AppErrorData };

export interface PipelineOptions {
  onResult: (r: PipelineResult) => void | Promise<void>;
  /** a pool already started (the benchmark's, warmed up); left running */
  pool?: DetectPool;
  /** the user's word on how every file is stored (default: the check decides for each) */
  orientation?: Orientation;
  shouldStop?: () => boolean;
}

export async function runBatchPipeline(model: LoadedModel, paths: string[], opts: PipelineOptions): Promise<{ done: number; failed: number }> {
  // a watch folder often hands over one file at a time: no more sessions than files
  const pool = opts.pool ?? (await startDetectPool(model, Math.max(1, Math.min(paths.length, defaultPoolSize(model)))));
  // enough requests ahead to keep every worker busy while results are written in order
  const ahead = pool.size * 4;
  const pending: Promise<DetectReply>[] = [];
  let next = 0;
  const request = () => {
    const p = pool.detect(paths[next++], opts.orientation);
    p.catch(() => undefined); // requests ahead fail with a dead worker; the one awaited reports it
    pending.push(p);
  };
  let done = 0;
  let failed = 0;
  try {
    for (let i = 0; i < paths.length; i++) {
      if (opts.shouldStop?.()) break;
      while (next < paths.length && pending.length < ahead) request();
      const msg = await pending.shift()!;
      if (!msg.ok) {
        failed++;
        await opts.onResult({ path: paths[i], ok: false, error: msg.error });
        continue;
      }
      done++;
      await opts.onResult({ path: paths[i], ok: true, image: msg.image, landmarks: msg.landmarks, check: msg.check });
    }
  } finally {
    if (!opts.pool) await pool.close();
  }
  return { done, failed };
}
