// Keeps stdout for results only: everything else (progress, codec chatter, warnings) goes to
// stderr, so `medsapiens detect x.dcm | jq` always parses.
import fs from 'node:fs';
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

export function writeResult(text: string, out?: string): void {
  if (out) {
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    const tmp = `${out}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, out);
  } else {
    process.stdout.write(text);
  }
}

export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const esc = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => esc(r[c])).join(','))].join('\n') + '\n';
}

export function formatFromPath(out: string | undefined, fallback: 'json' | 'csv'): 'json' | 'csv' {
  if (out?.toLowerCase().endsWith('.csv')) return 'csv';
  if (out?.toLowerCase().endsWith('.json')) return 'json';
  return fallback;
}
