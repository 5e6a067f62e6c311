// Who may talk to the loopback server: only this machine, only pages this server served, only
// holders of this run's token. Host is checked against DNS rebinding, Origin against other sites
// in the user's browser, the token against other local users and programs.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export type GuardVerdict = { ok: true } | { ok: false; status: number; reason: string };

export function checkRequest(req: IncomingMessage, port: number, token: string, opts: { needToken: boolean; tokenFromQuery?: string | null }): GuardVerdict {
  const remote = req.socket.remoteAddress ?? '';
  if (!['127.0.0.1', '::ffff:127.0.0.1', '::1'].includes(remote)) return { ok: false, status: 403, reason: 'only local connections are accepted' };
  const host = req.headers.host ?? '';
  if (!allowedHosts(port).has(host)) return { ok: false, status: 403, reason: `host ${host || '(none)'} is not this server` };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) {
    return { ok: false, status: 403, reason: `origin ${origin} is not allowed` };
  }
  if (opts.needToken) {
    const given = (req.headers['x-medsapiens-token'] as string | undefined) ?? opts.tokenFromQuery ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return { ok: false, status: 401, reason: 'missing or wrong token' };
  }
  return { ok: true };
}
