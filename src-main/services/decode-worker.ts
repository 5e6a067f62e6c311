// Worker thread: import and preprocess images so decoding overlaps inference on the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { ModelCard } from '../../src-shared/model-card.js';
import { toAppError } from '../../src-shared/errors.js';
import { readForModel } from '../inference/read-for-model.js';
import { needsFlip, preprocess } from '../inference/detector.js';

const card = (workerData as { card: ModelCard }).card;

parentPort!.on('message', async (msg: { id: number; path: string; facingLeft?: boolean }) => {
  try {
    const img = await readForModel(msg.path, card);
    const { input, box } = preprocess(img, card, needsFlip(card, msg.facingLeft));
    const { pixels: _pixels, reduced: _reduced, ...meta } = img;
    parentPort!.postMessage(
      { id: msg.id, ok: true, input, box: { srcW: box.srcW, srcH: box.srcH, span: box.span }, image: meta },
      [input.buffer as ArrayBuffer],
    );
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: toAppError(e).toJSON() });
  }
});
