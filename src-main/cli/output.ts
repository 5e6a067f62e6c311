// Keeps stdout for results only: everything else (progress, codec chatter, warnings) goes to
// stderr, so `medsapiens detect x.dcm | jq` always parses.
import fs from 'node:fs';
export { toCsv } from '../util/csv.js';
import path from 'node:path';

export function protectStdout(): void {
  // libraries that print through console.log (emscripten codecs among them) get stderr instead
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
}

export function info(msg: string): void {
  process.stderr.write(msg + '\n');
}

export function writeResult(text: string | Uint8Array, out?: string): void {
  if (out) {
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    const tmp = `${out}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, out);
  } else {
    process.stdout.write(text);
  }
}

export function formatFromPath(out: string | undefined, fallback: 'json' | 'csv'): 'json' | 'csv' {
  if (out?.toLowerCase().endsWith('.csv')) return 'csv';
  if (out?.toLowerCase().endsWith('.json')) return 'json';
  return fallback;
}
