// Finds test/**/*.test.ts (or the files/folders given) and runs them with node:test via tsx,
// one file at a time: the tests share one CPU-bound model and real files on disk.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function collect(p, out) {
  const st = fs.statSync(p);
  if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) collect(path.join(p, e), out);
  else if (/\.test\.ts$/.test(p)) out.push(p);
  return out;
}
const args = process.argv.slice(2);
const files = (args.length ? args : ['test']).flatMap((a) => collect(a, []));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
