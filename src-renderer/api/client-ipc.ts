// The Electron transport: the preload bridge already answers envelopes, so this only validates.
import { ProgressEventSchema, type ProgressEvent } from '../../src-shared/api/contract.js';
import { AppError } from '../../src-shared/errors.js';
import type { GreyPixels, MedsapiensBridge } from './bridge.js';
import { buildClient } from './envelope.js';
import type { Transport } from './transport.js';

export function createIpcTransport(bridge: MedsapiensBridge): Transport {
  const api = buildClient((name, body) => bridge[name](body));

  async function pixels(imageId: number): Promise<GreyPixels> {
    const fn = bridge.pixels;
    if (!fn) throw new AppError('internal', 'this build of the app does not expose image pixels to the viewer');
    const env = await fn(imageId);
    if (!env.ok) throw new AppError(env.error.code, env.error.message);
    const { width, height } = env.value;
    // Electron's structured clone turns a Node Buffer into a Uint8Array; a bare ArrayBuffer stays one
    const px = env.value.pixels instanceof Uint8Array ? env.value.pixels : new Uint8Array(env.value.pixels as ArrayBufferLike);
    if (px.length !== width * height) throw new AppError('corrupt', `pixels of image ${imageId}: ${px.length} bytes for ${width}×${height}`);
    return { width, height, pixels: px };
  }

  function onProgress(listener: (ev: ProgressEvent) => void): () => void {
    if (!bridge.onProgress) return () => undefined;
    return bridge.onProgress((raw) => {
      const ev = ProgressEventSchema.safeParse(raw);
      if (ev.success) listener(ev.data);
    });
  }

  return { kind: 'ipc', api, pixels, onProgress };
}
