// The loopback transport: POST /api/<name>, an EventSource for progress, a GET for pixels. All
// same-origin, so the strict page CSP (connect-src 'self') holds.
import { ProgressEventSchema, type ProgressEvent } from '../../src-shared/api/contract.js';
import { AppError, AppErrorSchema } from '../../src-shared/errors.js';
import type { GreyPixels } from './bridge.js';
import { buildClient } from './envelope.js';
import type { Transport } from './transport.js';

const TOKEN_HEADER = 'x-medsapiens-token';

async function readJson(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('internal', `${what}: HTTP ${res.status}, answer is not JSON`);
  }
}

export function createHttpTransport(token: string, origin = ''): Transport {
  const api = buildClient(async (name, body) => {
    let res: Response;
    try {
      res = await fetch(`${origin}/api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new AppError('internal', `cannot reach the MedSapiens server (${(e as Error).message})`);
    }
    return readJson(res, name);
  });

  async function pixels(imageId: number): Promise<GreyPixels> {
    const res = await fetch(`${origin}/api/images/${imageId}/pixels`, { headers: { [TOKEN_HEADER]: token } });
    if (!res.ok) {
      const body = (await readJson(res, 'pixels')) as { error?: unknown };
      const err = AppErrorSchema.safeParse(body?.error);
      throw err.success ? new AppError(err.data.code, err.data.message) : new AppError('internal', `pixels: HTTP ${res.status}`);
    }
    const width = Number(res.headers.get('x-image-width'));
    const height = Number(res.headers.get('x-image-height'));
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (!(width > 0 && height > 0) || bytes.length !== width * height) {
      throw new AppError('corrupt', `pixels of image ${imageId}: ${bytes.length} bytes for ${width}×${height}`);
    }
    return { width, height, pixels: bytes };
  }

  // One EventSource for the whole page, opened on first use and closed when nobody listens.
  const listeners = new Set<(ev: ProgressEvent) => void>();
  let source: EventSource | null = null;
  function onProgress(listener: (ev: ProgressEvent) => void): () => void {
    listeners.add(listener);
    if (!source) {
      source = new EventSource(`${origin}/api/events?token=${encodeURIComponent(token)}`);
      source.onmessage = (msg) => {
        let data: unknown;
        try {
          data = JSON.parse(String(msg.data));
        } catch {
          return;
        }
        const ev = ProgressEventSchema.safeParse(data);
        if (ev.success) for (const l of listeners) l(ev.data);
      };
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && source) {
        source.close();
        source = null;
      }
    };
  }

  return { kind: 'http', api, pixels, onProgress };
}
