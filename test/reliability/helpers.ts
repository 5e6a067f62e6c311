// Shared by the reliability tests: the real CLI as a long-running subprocess with its output
// collected line by line, waiting on conditions, writing files slowly like a device does, and
// reading the case database the CLI wrote.
import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { projectRoot } from '../../src-main/util/paths.js';
import { CLI } from '../helpers/cli.js';

export { sleep };
export const HERE = path.join(projectRoot(), 'test', 'reliability');

/** The real CLI entry, once built (the tests run the compiled commands). */
export function entryFor(_command: 'watch' | 'report'): string | null {
  return fs.existsSync(path.join(projectRoot(), 'dist', 'src-main', 'cli', 'main.js')) ? CLI : null;
}

export function watchEntry(): string {
  const e = entryFor('watch');
  if (!e) throw new Error('dist/src-main/cli/commands/watch.js is missing: run npm run build');
  return e;
}

export interface Proc {
  child: ChildProcess;
  lines: string[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** resolves when cond() holds; fails on timeout or when the process ends first */
  waitFor(cond: () => boolean, what: string, timeoutMs?: number): Promise<void>;
}

/** Spawns `command args` and collects stdout as lines and stderr as text. */
export function start(command: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    partial += s;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts.filter((l) => l.trim()));
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      ended = true;
      if (partial.trim()) lines.push(partial);
      resolve({ code, signal });
    }),
  );
  const waitFor = async (cond: () => boolean, what: string, timeoutMs = 60_000) => {
    const t0 = Date.now();
    while (!cond()) {
      if (ended) throw new Error(`process ended before ${what}; stderr:\n${err.slice(-3000)}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr:\n${err.slice(-3000)}`);
      await sleep(50);
    }
  };
  return { child, lines, stderr: () => err, exited, waitFor };
}

/** The real CLI (node bin/medsapiens.js ...), optionally with --import preloads. */
export function startCli(args: string[], opts: { entry?: string; preload?: string[]; env?: Record<string, string> } = {}): Proc {
  const pre = (opts.preload ?? []).flatMap((p) => ['--import', p]);
  return start(process.execPath, [...pre, opts.entry ?? CLI, ...args], opts.env);
}

/** Copies src to dst in `chunks` writes, pausing between them (a device or a slow share). */
export async function writeInChunks(src: string, dst: string, chunks: number, pauseMs: number, longPause?: { afterChunk: number; ms: number }): Promise<void> {
  const data = fs.readFileSync(src);
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  const fh = await fs.promises.open(dst, 'w');
  try {
    const step = Math.ceil(data.length / chunks);
    for (let i = 0; i < chunks; i++) {
      await fh.write(data.subarray(i * step, Math.min(data.length, (i + 1) * step)));
      await fh.sync();
      if (i < chunks - 1) await sleep(longPause && longPause.afterChunk === i + 1 ? longPause.ms : pauseMs);
    }
  } finally {
    await fh.close();
  }
}

export function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Runs fn on a read-only connection to the database file. */
export function readDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function count(db: Database.Database, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}

export function parseLines(lines: string[]): Record<string, any>[] {
  return lines.map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      throw new Error(`stdout line is not JSON: ${l}`);
    }
  });
}
