// Locations the services need, found from this file so they work from sources (tsx), from the
// compiled dist/ tree and from a packaged app alike.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'medsapiens') return (cachedRoot = dir);
      } catch {
        /* not ours: keep looking */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the MedSapiens project root');
    dir = up;
  }
}

export function defaultModelDir(): string {
  return process.env.MEDSAPIENS_MODEL_DIR ?? path.join(projectRoot(), 'models');
}

export function sharedDataDir(): string {
  return process.env.MEDSAPIENS_SHARED ?? path.join(projectRoot(), '..', 'shared');
}
