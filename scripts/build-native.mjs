// Builds the native JPEG reader (native/jpeg-reduced) with node-gyp against libjpeg(-turbo). It
// is optional: where it cannot be built (no compiler or libjpeg headers) the app reads JPEGs
// through sharp, a little slower, and says so; this script then warns instead of failing.
// MEDSAPIENS_NATIVE_REQUIRED=1 makes a failed build an error (CI on Debian, where it must build).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'native', 'jpeg-reduced');
const gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const r = spawnSync(process.execPath, [gyp, 'rebuild', '--directory', dir], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (r.status === 0) {
  console.error('build:native: native/jpeg-reduced built');
} else {
  const why = (r.stderr || String(r.error ?? '')).split('\n').filter((l) => /error|not found|No such/i.test(l)).slice(0, 5).join('\n');
  console.error(`build:native: the native JPEG reader could not be built; JPEGs will be read through sharp.\n${why}`);
  if (process.env.MEDSAPIENS_NATIVE_REQUIRED === '1') process.exit(1);
}
