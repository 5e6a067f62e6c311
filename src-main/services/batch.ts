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
import { imageRecord, modelLabelFields, modelPoints } from './import-service.js';
import { landmarkSetView } from './case-views.js';

export interface BatchSummary {
  jobId: string;
  total: number;
  done: number;
  failed: number;
  pending: number;
  processedNow: number;
  failures: { path: string; code: string; message: string }[];
  /** of the files done: refused as not a cephalogram, straightened (turned, mirrored or negative),
   *  with points flagged for review (and how many points), with a tracing of implausible shape */
  checks: { refused: number; reoriented: number; withFlags: number; flaggedPoints: number; implausible: number };
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
  const walk = await walkFolder(opts.root);
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
          const imported = store.importWithLandmarks({ image: imageRecord(meta, r.path), ...modelLabelFields(model), points: modelPoints(r.landmarks), check: r.check });
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
  return { jobId, total: s.total, done: s.done, failed: s.failed, pending: s.pending, processedNow, failures: s.failures, checks: checkCounts(store, jobId) };
}

/** The safety net's counts over a job's done files, from what is stored (so a resumed job counts all). */
export function checkCounts(store: CaseStore, jobId: string): BatchSummary['checks'] {
  const out = { refused: 0, reoriented: 0, withFlags: 0, flaggedPoints: 0, implausible: 0 };
  for (const f of store.jobFiles(jobId)) {
    if (f.status !== 'done' || f.imageId === null) continue;
    const c = store.getCase(f.imageId);
    const check = c.landmarks?.set.check;
    if (!check) continue;
    if (!check.isCephalogram) out.refused++;
    if (check.warnings.some((w) => w.code === 'reoriented')) out.reoriented++;
    if (check.warnings.some((w) => w.code === 'implausible_shape')) out.implausible++;
    const flagged = c.landmarks!.modelPoints.filter((p) => p.flagged).length;
    if (flagged) out.withFlags++;
    out.flaggedPoints += flagged;
  }
  return out;
}

export function runFolderBatch(opts: Omit<BatchOptions, 'onProgress'>): { taskId: string; done: Promise<BatchSummary> } {
  const taskId = crypto.randomUUID();
  return { taskId, done: runBatch(opts, taskId) };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** The columns of batchRows, in order. */
export const BATCH_COLUMNS = ['file', 'image_id', 'is_cephalogram', 'mirrored', 'rotation', 'inverted', 'warnings', 'landmark', 'x', 'y', 'confidence', 'uncertainty_px', 'uncertainty_mm', 'flagged', 'source', 'status', 'error'];

/** The job's results as rows: one per landmark of each done file, with the current (possibly corrected) points. */
export function batchRows(store: CaseStore, jobId: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const f of store.jobFiles(jobId)) {
    if (f.status === 'done' && f.imageId !== null) {
      const c = store.getCase(f.imageId);
      const check = c.landmarks?.set.check ?? null;
      const mm = c.image.ruler?.mmPerPx ?? (c.image.spacing ? (c.image.spacing.rowMm + c.image.spacing.colMm) / 2 : null);
      const perImage = {
        is_cephalogram: check ? check.isCephalogram : '',
        mirrored: check ? check.orientation.mirrored : '',
        rotation: check ? check.orientation.rotation : '',
        inverted: check ? check.orientation.inverted : '',
        warnings: check ? check.warnings.map((w) => w.code).join(' ') : '',
      };
      for (const p of c.landmarks ? landmarkSetView(c.landmarks).points : []) {
        const u = p.uncertaintyPx;
        rows.push({
          file: f.path,
          image_id: f.imageId,
          ...perImage,
          landmark: p.landmarkId,
          x: p.x,
          y: p.y,
          confidence: p.confidence,
          uncertainty_px: u === null ? '' : round2(u),
          uncertainty_mm: u === null || mm === null ? '' : round2(u * mm),
          flagged: p.flagged,
          source: p.source,
          status: 'done',
          error: '',
        });
      }
    } else {
      rows.push({ file: f.path, image_id: '', is_cephalogram: '', mirrored: '', rotation: '', inverted: '', warnings: '', landmark: '', x: '', y: '', confidence: '', uncertainty_px: '', uncertainty_mm: '', flagged: '', source: '', status: f.status, error: f.error ? `${f.error.code}: ${f.error.message}` : '' });
    }
  }
  return rows;
}
