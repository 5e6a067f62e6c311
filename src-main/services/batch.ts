// A batch over a folder, resumable: the job's file list and every file's outcome live in the case
// database, so a re-run (after Ctrl+C, a crash or SIGKILL) continues with what is still pending and
// never imports anything twice (images are also deduplicated by content hash).
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { CaseStore } from '../db/store.js';
import type { LoadedModel } from '../inference/model.js';
import { runBatchPipeline } from './batch-pipeline.js';
import { etaSeconds, type EventBus } from './events.js';
import { walkFolder } from './folder-walk.js';
import type { ImageLibrary } from './image-library.js';
import { imageRecord, modelPoints } from './import-service.js';

export interface BatchSummary {
  jobId: string;
  total: number;
  done: number;
  failed: number;
  pending: number;
  processedNow: number;
  failures: { path: string; code: string; message: string }[];
}

export interface BatchOptions {
  root: string;
  store: CaseStore;
  library: ImageLibrary;
  model: () => Promise<LoadedModel>;
  events?: EventBus;
  onProgress?: (done: number, total: number, current: string, failed: number) => void;
  shouldStop?: () => boolean;
  retryFailed?: boolean;
}

export function jobIdFor(root: string): string {
  const real = fs.realpathSync(root);
  return 'folder-' + crypto.createHash('sha256').update(real).digest('hex').slice(0, 20);
}

export async function runBatch(opts: BatchOptions, taskId = crypto.randomUUID()): Promise<BatchSummary> {
  const { store } = opts;
  if (!fs.existsSync(opts.root) || !fs.statSync(opts.root).isDirectory()) throw new Error(`${opts.root} is not a folder`);
  const walk = walkFolder(opts.root);
  const jobId = jobIdFor(opts.root);
  store.createJob({ root: fs.realpathSync(opts.root), id: jobId, files: walk.files });
  for (const p of walk.problems) {
    // a folder we cannot enter is recorded as a failed entry so the summary shows it
    store.addFiles(jobId, [p.path]);
    store.markFile(jobId, p.path, { status: 'failed', error: { code: 'unreadable', message: p.message.slice(0, 4000) } });
  }
  const pending = store.pendingFiles(jobId, { includeFailed: !!opts.retryFailed });
  const before = store.jobSummary(jobId);
  const total = before.total;
  let done = before.done;
  let failed = opts.retryFailed ? 0 : before.failed;
  const started = performance.now();
  let processedNow = 0;
  const report = (current: string) => {
    opts.onProgress?.(done + failed, total, current, failed);
    opts.events?.publish({ kind: 'progress', task: 'batch', taskId, done: done + failed, total, current, etaSeconds: etaSeconds(started, processedNow, pending.length), failed });
  };
  report('');
  if (pending.length) {
    const model = await opts.model();
    await runBatchPipeline(model, pending, {
      shouldStop: opts.shouldStop,
      onResult: (r) => {
        processedNow++;
        if (r.ok) {
          const meta = r.image;
          opts.library.keep(r.path, meta.sha256);
          const imported = store.importWithLandmarks({ image: imageRecord(meta, r.path), model: model.card.name, version: model.card.version, points: modelPoints(r.landmarks) });
          store.markFile(jobId, r.path, { status: 'done', imageId: imported.image.id });
          done++;
        } else {
          store.markFile(jobId, r.path, { status: 'failed', error: { code: r.error.code, message: r.error.message.slice(0, 4000) } });
          failed++;
        }
        report(r.path);
      },
    });
  }
  const s = store.jobSummary(jobId);
  return { jobId, total: s.total, done: s.done, failed: s.failed, pending: s.pending, processedNow, failures: s.failures };
}

export function runFolderBatch(opts: Omit<BatchOptions, 'onProgress'>): { taskId: string; done: Promise<BatchSummary> } {
  const taskId = crypto.randomUUID();
  return { taskId, done: runBatch(opts, taskId) };
}

/** The job's results as rows: one per landmark of each done file, with the current (possibly corrected) points. */
export function batchRows(store: CaseStore, jobId: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const f of store.jobFiles(jobId)) {
    if (f.status === 'done' && f.imageId !== null) {
      const c = store.getCase(f.imageId);
      for (const p of c.landmarks?.points ?? []) {
        rows.push({ file: f.path, image_id: f.imageId, landmark: p.landmarkId, x: p.x, y: p.y, confidence: p.confidence, source: p.source, status: 'done', error: '' });
      }
    } else {
      rows.push({ file: f.path, image_id: '', landmark: '', x: '', y: '', confidence: '', source: '', status: f.status, error: f.error ? `${f.error.code}: ${f.error.message}` : '' });
    }
  }
  return rows;
}
