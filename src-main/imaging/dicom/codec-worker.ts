// Decodes compressed DICOM frames on a worker thread (codec-pool.ts), so a large JPEG 2000 frame
// never stops the main thread. Errors go back as data: an AppError keeps its code, a codec's
// failure its message, anything else its description.
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../../src-shared/errors.js';
import { CodecFailure, describeThrown } from '../codecs/wasm-codec.js';
import { runCodec } from './decode-frame.js';
import type { DicomImageHeader } from './header.js';

export type CodecReply =
  | { id: number; ok: true; frame: { width: number; height: number; components: number; samples: Uint8Array | Uint16Array } }
  | { id: number; ok: false; error: { kind: 'app'; code: AppError['code']; message: string; detail?: Record<string, unknown> } | { kind: 'codec'; codec: string; reason: string; chatter: string[] } | { kind: 'other'; message: string } };

parentPort?.on('message', async (m: { id: number; bytes: Uint8Array; header: DicomImageHeader }) => {
  let reply: CodecReply;
  try {
    const f = await runCodec(m.bytes, m.header);
    reply = { id: m.id, ok: true, frame: { width: f.width, height: f.height, components: f.components, samples: f.samples } };
  } catch (e) {
    reply = {
      id: m.id,
      ok: false,
      error: e instanceof AppError ? { kind: 'app', code: e.code, message: e.message, detail: e.detail } : e instanceof CodecFailure ? { kind: 'codec', codec: e.codec, reason: e.reason, chatter: e.chatter } : { kind: 'other', message: describeThrown(e) },
    };
  }
  const buffer = reply.ok ? reply.frame.samples.buffer : undefined;
  parentPort!.postMessage(reply, buffer instanceof ArrayBuffer ? [buffer] : []);
});
