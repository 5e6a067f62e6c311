// Worker thread of a batch: its own model session, reading and detecting one image after another.
// onnxruntime-node runs a session on the calling thread and blocks it, so sessions on the main
// thread cannot run side by side; one single-threaded session per worker uses every core without
// the barrier stalls a multi-threaded session suffers while image decoding competes for the cores.
import { parentPort, workerData } from 'node:worker_threads';
import type { Adaptation } from '../adaptation/clinic-model.js';
import { toAppError } from '../../src-shared/errors.js';
import { traceFile } from '../inference/trace.js';
import { constantInput, loadModel, type ProviderName } from '../inference/model.js';
import type { WorkerReply, WorkerRequest } from './detect-pool.js';

const { cardPath, provider, threads, adaptation } = workerData as { cardPath: string; provider: ProviderName; threads: number; adaptation?: Adaptation };
const port = parentPort!;
const post = (m: WorkerReply) => port.postMessage(m);

try {
  // the main thread verified the model file's hash when it loaded it
  const model = await loadModel({ cardPath, provider, threads, verifyHash: false, adaptation });
  port.on('message', async (msg: WorkerRequest) => {
    try {
      if (msg.kind === 'bare') {
        const input = constantInput(model.card);
        const t0 = performance.now();
        for (let i = 0; i < msg.runs; i++) await model.run(input, 1);
        post({ id: msg.id, ok: true, kind: 'bare', ms: performance.now() - t0 });
        return;
      }
      const { img, tracing: t } = await traceFile(model, msg.path, { orientation: msg.orientation });
      const { pixels: _pixels, reduced: _reduced, ...image } = img;
      post({ id: msg.id, ok: true, kind: 'detect', image, landmarks: t.landmarks, check: t.check });
    } catch (e) {
      post({ id: msg.id, ok: false, error: toAppError(e).toJSON() });
    }
  });
  post({ id: -1, ok: true, kind: 'ready' });
} catch (e) {
  post({ id: -1, ok: false, error: toAppError(e).toJSON() });
}
