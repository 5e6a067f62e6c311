// The loopback transport of the API contract: POST /api/<name> with a JSON body, answered with
// an envelope; GET /api/events streams progress (server-sent events); GET /api/images/<id>/pixels
// gives the 8-bit grey pixels the viewer draws. Binds 127.0.0.1 only.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, HTTP_STATUS, toAppError } from '../../src-shared/errors.js';
import { dispatch, isApiName } from '../services/dispatch.js';
import type { ApiHandlers, EventBus, PixelSource } from '../services/handlers.js';
import { checkRequest, newToken } from './guard.js';
import { CONTENT_SECURITY_POLICY, serveStatic } from './static.js';

export interface LoopbackServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  handlers: ApiHandlers;
  events: EventBus;
  pixels: PixelSource;
  staticDir?: string;
  port?: number;
  token?: string;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': CONTENT_SECURITY_POLICY });
  res.end(text);
}

/** Requests carrying a file (base64) may be large; every other request is a few kilobytes of
 *  JSON, and anything bigger is refused before it is read. */
export const BODY_LIMITS: Partial<Record<string, number>> = {
  'images.importBytes': 300 * 1024 * 1024,
  'images.relinkBytes': 300 * 1024 * 1024,
};
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new AppError('too_large', `request body over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        reject(new AppError('too_large', `request body over ${limit} bytes`));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startLoopbackServer(opts: ServerOptions): Promise<LoopbackServer> {
  const token = opts.token ?? newToken();
  let port = 0;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const isApi = url.pathname.startsWith('/api/');
    const verdict = checkRequest(req, port, token, {
      needToken: isApi,
      // EventSource and <img> cannot set headers: these two GETs may carry the token in the query
      tokenFromQuery: req.method === 'GET' ? url.searchParams.get('token') : null,
    });
    if (!verdict.ok) return send(res, verdict.status, { ok: false, error: { code: 'bad_request', message: verdict.reason } });
    try {
      if (!isApi) {
        if (req.method !== 'GET' || !serveStatic(opts.staticDir, url.pathname, res)) send(res, 404, { ok: false, error: { code: 'not_found', message: 'no such page' } });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/api/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        const off = opts.events.subscribe((ev) => res.write(`data: ${JSON.stringify(ev)}\n\n`));
        req.on('close', off);
        return;
      }
      const pix = url.pathname.match(/^\/api\/images\/(\d+)\/pixels$/);
      if (req.method === 'GET' && pix) {
        const img = await opts.pixels(Number(pix[1]));
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'x-image-width': String(img.width),
          'x-image-height': String(img.height),
          'cache-control': 'no-store',
        });
        res.end(Buffer.from(img.pixels.buffer, img.pixels.byteOffset, img.pixels.byteLength));
        return;
      }
      const name = url.pathname.slice('/api/'.length);
      if (req.method !== 'POST' || !isApiName(name)) return send(res, 404, { ok: false, error: { code: 'not_found', message: `no API method ${name}` } });
      const text = await readBody(req, BODY_LIMITS[name] ?? DEFAULT_BODY_LIMIT);
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        throw new AppError('bad_request', 'request body is not JSON');
      }
      const env = await dispatch(opts.handlers, name, body);
      send(res, env.ok ? 200 : HTTP_STATUS[env.error.code], env);
    } catch (e) {
      const err = toAppError(e);
      // a body refused unread: answer, then close the connection rather than read the rest
      if (err.code === 'too_large') res.setHeader('connection', 'close');
      send(res, HTTP_STATUS[err.code], { ok: false, error: err.toJSON() });
      if (err.code === 'too_large') res.on('finish', () => req.destroy());
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
