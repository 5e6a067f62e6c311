// Serves the built renderer. The page holds no patient data and no secret (the token reaches it
// in the URL fragment, which browsers never send), so static files need no token.
import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { CONTENT_SECURITY_POLICY as PAGE_POLICY } from '../../src-shared/csp.js';
import { AppError } from '../../src-shared/errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

// frame-ancestors only works as a header (a meta tag ignores it), so it is added here
export const CONTENT_SECURITY_POLICY = `${PAGE_POLICY}; frame-ancestors 'none'`;

export function serveStatic(root: string | undefined, urlPath: string, res: ServerResponse): boolean {
  if (!root || !fs.existsSync(root)) return false;
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0]).replace(/^\/+/, '') || 'index.html';
  } catch {
    throw new AppError('bad_request', 'malformed escape in the address');
  }
  const base = fs.realpathSync(root);
  const inside = (p: string) => p === base || p.startsWith(base + path.sep);
  const file = path.resolve(base, rel);
  if (!inside(file)) return false;
  let target = fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(base, 'index.html');
  if (!fs.existsSync(target)) return false;
  // a link inside the folder may point anywhere: what it points to must be inside too
  target = fs.realpathSync(target);
  if (!inside(target)) return false;
  res.writeHead(200, {
    'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  fs.createReadStream(target).pipe(res);
  return true;
}
