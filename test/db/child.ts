// A second process using the same database file, driven by processes.test.ts.
//   writer <json>: waits for 'go' over IPC, then edits landmarks and writes batch rows as fast as
//                  it can for durationMs; reports counts and every error it saw.
//   ack <file> <setId> <base>: moves sella to (base + n, base + 100 + n), prints "ACK <n>" once the call has returned, repeats until
//                  killed.
import { setTimeout as sleep } from 'node:timers/promises';
import { createCaseStore } from '../../src-main/db/index.js';
import { imageInput, MODEL_POINTS } from './helpers.js';

interface WriterConfig {
  file: string;
  setId: number;
  landmark: string;
  jobId: string;
  tag: string;
  durationMs: number;
  /** pause between iterations: the decoding/inference of a batch worker, the user of the UI */
  pauseMs: number;
  /** keep going past durationMs until this many edits are done */
  minEdits?: number;
}

export interface WriterReport {
  edits: number;
  files: number;
  imports: number;
  last: [number, number] | null;
  errors: { op: string; code: string; message: string }[];
  /** the longest any one call took, lock waits included */
  maxCallMs: number;
}

async function writer(cfg: WriterConfig): Promise<void> {
  const store = createCaseStore({ path: cfg.file });
  const report: WriterReport = { edits: 0, files: 0, imports: 0, last: null, errors: [], maxCallMs: 0 };
  const attempt = (op: string, fn: () => void) => {
    const t0 = performance.now();
    try {
      fn();
    } catch (e) {
      // detail.sqlite keeps the raw SQLite code (SQLITE_BUSY...) behind the AppError code
      const err = e as { code?: string; message?: string; detail?: { sqlite?: string } };
      report.errors.push({ op, code: err.detail?.sqlite ?? String(err.code), message: String(err.message) });
    }
    report.maxCallMs = Math.max(report.maxCallMs, performance.now() - t0);
  };
  // ready (file open and migrated) -> go: both writers start writing at the same moment
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  process.send!('ready');
  await go;
  // at least durationMs and at least minEdits (a loaded machine must not make the test vacuous),
  // but never longer than 60 s
  const end = Date.now() + cfg.durationMs;
  const hardEnd = Date.now() + 60_000;
  const minEdits = cfg.minEdits ?? 0;
  for (let i = 1; (Date.now() < end || report.edits < minEdits) && Date.now() < hardEnd; i++) {
    const x = 100 + (i % 1000);
    const y = 200 + (i % 700);
    attempt('move', () => {
      store.movePoint(cfg.setId, cfg.landmark, x, y);
      report.edits++;
      report.last = [x, y];
    });
    if (i % 4 === 0) {
      // a batch worker's step: image + landmarks in one transaction, then the file's row
      attempt('import', () => {
        const r = store.importWithLandmarks({ image: imageInput(`${cfg.tag}-${i}`), model: 'm', version: '1', points: MODEL_POINTS });
        report.imports++;
        store.markFile(cfg.jobId, `${cfg.tag}/${i}.dcm`, { status: 'done', imageId: r.image.id });
        report.files++;
      });
    } else {
      attempt('mark', () => {
        store.markFile(cfg.jobId, `${cfg.tag}/${i}.dcm`, { status: 'failed', error: { code: 'corrupt', message: `file ${i}` } });
        report.files++;
      });
    }
    // reads in between, as the UI does
    attempt('read', () => void store.listCases({ search: cfg.tag, limit: 5 }));
    await sleep(cfg.pauseMs);
  }
  store.close();
  process.send!(report, () => process.exit(0));
}

function ack(file: string, setId: number, base: number): void {
  const store = createCaseStore({ path: file });
  for (let i = 1; ; i++) {
    store.movePoint(setId, 'sella', base + i, base + 100 + i);
    process.stdout.write(`ACK ${i}\n`); // synchronous for pipes on POSIX
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'writer') await writer(JSON.parse(args[0]) as WriterConfig);
else if (mode === 'ack') ack(args[0], Number(args[1]), Number(args[2]));
else throw new Error(`unknown mode ${mode}`);
