// Keeps stdout for results only: everything else (progress, codec chatter, warnings) goes to
// stderr, so `medsapiens detect x.dcm | jq` always parses.
export { toCsv } from '../util/csv.js';
import { writePrivateFile } from '../util/private-files.js';

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
    writePrivateFile(out, text);
  } else {
    process.stdout.write(text);
  }
}

export function formatFromPath(out: string | undefined, fallback: 'json' | 'csv'): 'json' | 'csv' {
  if (out?.toLowerCase().endsWith('.csv')) return 'csv';
  if (out?.toLowerCase().endsWith('.json')) return 'json';
  return fallback;
}
