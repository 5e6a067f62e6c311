// Watching a folder that an X-ray device, a scanner or a network share writes into: every image
// that appears there (subfolders included, existing files too) is imported and its landmarks
// detected once the file is complete, exactly once.
//
// Complete means: size and mtime unchanged for settleMs, the file opens, and it decodes. A file
// still being written decodes as 'corrupt' (truncated JPEG or DICOM) or 'not_an_image' (header
// not there yet), so a stable file that does not decode is tried again, a few times with a
// growing pause, before it is marked failed; the result of a decode is used only if the file's
// size and mtime are still those it had when it was handed to the decoder.
//
// Bookkeeping is the batch's: one job per watched folder (the same job id a batch over that
// folder uses), each file marked done or failed in the case database when it is finished. On
// start the job's rows are read back, so after a restart nothing done is redone and a failed file
// is tried again only if it changed after it failed. Images are also deduplicated by content.
//
// Change notification is fs.watch on every folder (new subfolders get one as they appear), with
// a full rescan every rescanMs as the fallback for file systems where fs.watch misses events
// (network shares, some container mounts) or cannot be used at all (inotify limits).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError, type AppErrorData, type ErrorCode, toAppError } from '../../src-shared/errors.js';
import type { CaseStore } from '../db/store.js';
import type { LoadedModel } from '../inference/model.js';
import { jobIdFor } from './batch.js';
import { type PipelineResult, runBatchPipeline } from './batch-pipeline.js';
import { startDetectPool, type DetectPool } from './detect-pool.js';
import type { EventBus } from './events.js';
import { walkFolder } from './folder-walk.js';
import { refuseSystemFolder } from './system-paths.js';
import type { ImageLibrary } from './image-library.js';
import { imageRecord, modelLabelFields, modelPoints } from './import-service.js';
import { canOpen, type FileStamp, isSkippedPath, listFolders, sameStamp, stampOf } from './watch-tree.js';

export interface WatchOptions {
  root: string;
  store: CaseStore;
  library: ImageLibrary;
  model: () => Promise<LoadedModel>;
  events?: EventBus;
  /** a file counts as written once its size and mtime have not changed for this long; default 2000 ms */
  settleMs?: number;
  /** full rescan of the folder tree, the fallback for missed change events; default 10000 ms */
  rescanMs?: number;
  /** false: no fs.watch, rescans only (file systems without change notification); default true */
  fsWatch?: boolean;
  /** decode attempts for a stable file that does not decode before it is marked failed; default 4 */
  attempts?: number;
  /** at most this many ready files go through the decode/inference pipeline in one run; default 8 */
  groupSize?: number;
  /** every finished file, once: imported (ok) or failed for good */
  onResult?: (r: WatchResult) => void;
  /** progress and problems, one line each */
  onLog?: (msg: string) => void;
  /** aborting stops the watch, like stop() */
  signal?: AbortSignal;
}

export type WatchResult =
  | {
      file: string;
      ok: true;
      imageId: number;
      setId: number;
      /** the same content had been imported before (another path, or another job) */
      duplicate: boolean;
      landmarks: number;
      format: string;
      width: number;
      height: number;
      sha256: string;
      attempts: number;
    }
  | { file: string; ok: false; error: AppErrorData; attempts: number };

export interface WatchSummary {
  jobId: string;
  /** finished in this run */
  done: number;
  failed: number;
  /** seen but not complete (or not yet processed) when the summary was taken */
  waiting: number;
}

export interface FolderWatcher {
  readonly jobId: string;
  /** the watched folder, absolute */
  readonly root: string;
  /** resolves once the folder has been listed and the change watches are in place */
  readonly ready: Promise<void>;
  /** resolves after stop(); rejects when the watch had to give up (the model cannot be loaded) */
  readonly done: Promise<WatchSummary>;
  status(): WatchSummary;
  /** stops watching; the file being processed is finished first */
  stop(): Promise<WatchSummary>;
}

/** Errors a file still being written produces; others (unsupported, too_large) are final at once. */
const MAYBE_INCOMPLETE = new Set<ErrorCode>(['corrupt', 'empty', 'not_an_image', 'missing_element', 'too_small', 'unreadable', 'internal']);

interface Candidate extends FileStamp {
  /** when size/mtime were last seen to change */
  changedAt: number;
  /** not to be tried before this time (after a failed attempt) */
  notBefore: number;
  attempts: number;
  inFlight: boolean;
  /** to be decoded on its own (it was in a group the decoder died on) */
  alone: boolean;
}

type Finished = { status: 'done' } | ({ status: 'failed' } & FileStamp);

export function watchFolder(opts: WatchOptions): FolderWatcher {
  const { store, library } = opts;
  const root = path.resolve(opts.root);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new AppError('not_found', `${opts.root} is not a folder`, { path: opts.root });
  refuseSystemFolder(root);
  const settleMs = Math.max(0, opts.settleMs ?? 2000);
  const rescanMs = Math.max(100, opts.rescanMs ?? 10_000);
  const maxAttempts = Math.max(1, opts.attempts ?? 4);
  const groupSize = Math.max(1, opts.groupSize ?? 8);
  const tickMs = Math.min(500, Math.max(50, Math.round(settleMs / 4)));
  const log = opts.onLog ?? (() => undefined);
  const taskId = crypto.randomUUID();

  const jobId = jobIdFor(root);
  store.createJob({ root: fs.realpathSync(root), id: jobId });

  // the case database and the image library must never be taken for incoming images, should
  // they live inside the watched folder
  const ownFiles = new Set([store.path, `${store.path}-wal`, `${store.path}-shm`, `${store.path}-journal`].map((p) => path.resolve(p)));
  const libraryDir = path.resolve(library.folder) + path.sep;
  const ignored = (p: string) => ownFiles.has(p) || (p + path.sep).startsWith(libraryDir) || isSkippedPath(root, p);

  const waiting = new Map<string, Candidate>();
  const finished = new Map<string, Finished>();
  for (const f of store.jobFiles(jobId)) {
    if (f.status === 'done') finished.set(f.path, { status: 'done' });
    else if (f.status === 'failed') {
      // tried again only when the file was written after it failed (a device that paused for a
      // long time mid-file, or a file replaced by a good one)
      const st = stampOf(f.path);
      if (st && st.mtimeMs <= Date.parse(f.updatedAt)) finished.set(f.path, { status: 'failed', ...st });
    }
  }

  let doneCount = 0;
  let failedCount = 0;
  let stopping = false;
  let busy: Promise<void> | null = null;
  let model: LoadedModel | null = null;
  const watchers = new Map<string, fs.FSWatcher>();
  const reported = new Set<string>();
  let watchUnavailable = false;

  const once = (key: string, msg: string) => {
    if (!reported.has(key)) {
      reported.add(key);
      log(msg);
    }
  };
  const rel = (p: string) => path.relative(root, p) || p;
  const summary = (): WatchSummary => ({ jobId, done: doneCount, failed: failedCount, waiting: waiting.size });
  const publish = (current: string) =>
    opts.events?.publish({ kind: 'progress', task: 'watch', taskId, done: doneCount + failedCount, total: doneCount + failedCount + waiting.size, current, etaSeconds: null, failed: failedCount });

  let resolveDone!: (s: WatchSummary) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<WatchSummary>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  done.catch(() => undefined); // the caller may not listen; a give-up is also logged

  function consider(file: string): void {
    if (stopping || ignored(file) || waiting.has(file)) return;
    const fin = finished.get(file);
    if (fin?.status === 'done') return;
    const st = stampOf(file);
    if (!st) return;
    if (fin) {
      if (sameStamp(st, fin)) return;
      finished.delete(file);
      log(`${rel(file)} changed since it failed; trying it again`);
    }
    waiting.set(file, { ...st, changedAt: Date.now(), notBefore: 0, attempts: 0, inFlight: false, alone: false });
  }

  function watchDir(dir: string): void {
    if (opts.fsWatch === false || stopping || watchUnavailable || watchers.has(dir)) return;
    try {
      const w = fs.watch(dir, { persistent: true }, (_event, name) => onChange(dir, name === null ? null : String(name)));
      w.on('error', () => {
        // the folder was removed or became unreadable: the rescans take over for it
        w.close();
        if (watchers.get(dir) === w) watchers.delete(dir);
      });
      watchers.set(dir, w);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      // ENOSPC/EMFILE: out of inotify watches or descriptors; rescans still find everything
      watchUnavailable = true;
      log(`change notification is not available (${(e as Error).message}); finding new files by rescanning every ${rescanMs} ms`);
    }
  }

  /** A folder and everything under it: watched first, then listed, so nothing falls in between.
   *  The listing is asynchronous; a folder already being listed is not listed twice at once. */
  const listing = new Map<string, Promise<void>>();
  function addTree(dir: string): Promise<void> {
    const running = listing.get(dir);
    if (running) return running;
    const done = (async () => {
      const t = await listFolders(dir);
      if (stopping) return;
      for (const d of t.folders) if (!ignored(d) || d === root) watchDir(d);
      const walk = await walkFolder(dir);
      if (stopping) return;
      for (const f of walk.files) consider(f);
      for (const p of [...t.problems, ...walk.problems]) once(`problem:${p.path}`, `cannot read ${p.path}: ${p.message}`);
    })().finally(() => listing.delete(dir));
    listing.set(dir, done);
    return done;
  }
  /** a listing started by an event or a timer: its failure is told, not thrown */
  function addTreeLater(dir: string): void {
    addTree(dir).catch((e: unknown) => once(`problem:${dir}`, `cannot list ${dir}: ${toAppError(e).message}`));
  }

  function onChange(dir: string, name: string | null): void {
    if (stopping) return;
    if (name === null) return addTreeLater(dir);
    const p = path.join(dir, name);
    if (ignored(p)) return;
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return; // gone again: the tick drops it from the waiting list
    }
    if (st.isDirectory()) addTreeLater(p);
    else if (st.isFile()) consider(p);
  }

  function rescan(): void {
    if (stopping) return;
    if (!fs.existsSync(root)) return once(`root-missing`, `${root} is not there; waiting for it to come back`);
    reported.delete('root-missing');
    addTreeLater(root);
  }

  function tick(): void {
    if (stopping) return;
    const now = Date.now();
    for (const [file, c] of waiting) {
      if (c.inFlight) continue;
      const st = stampOf(file);
      if (!st) {
        waiting.delete(file); // deleted or renamed away before it was complete (temp files)
        continue;
      }
      if (!sameStamp(st, c)) changed(c, st, now);
    }
    if (!busy) {
      const due = [...waiting.entries()].filter(([f, c]) => now - c.changedAt >= settleMs && now >= c.notBefore && canOpenOrWait(f, c, now)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const alone = due.find(([, c]) => c.alone);
      const ready = alone ? [alone[0]] : due.slice(0, groupSize).map(([f]) => f);
      if (ready.length) {
        busy = processGroup(ready)
          .catch(giveUp)
          .finally(() => {
            busy = null;
          });
      }
    }
  }

  /** Still being written: the settle time starts again, and so do the decode attempts. */
  function changed(c: Candidate, st: FileStamp, now: number): void {
    c.size = st.size;
    c.mtimeMs = st.mtimeMs;
    c.changedAt = now;
    c.attempts = 0;
    c.notBefore = 0;
  }

  function canOpenOrWait(file: string, c: Candidate, now: number): boolean {
    if (canOpen(file)) return true;
    c.changedAt = now; // held open exclusively by its writer (Windows): not complete
    return false;
  }

  async function getModel(): Promise<LoadedModel> {
    model ??= await opts.model();
    return model;
  }

  // One pool of detect workers for the whole watch: starting one (a model session per worker)
  // took longer than detecting the file that arrived. Groups run one at a time, so no race here.
  let pool: DetectPool | null = null;
  async function getPool(m: LoadedModel): Promise<DetectPool> {
    pool ??= await startDetectPool(m);
    return pool;
  }
  async function dropPool(): Promise<void> {
    const p = pool;
    pool = null;
    await p?.close();
  }

  async function processGroup(files: string[]): Promise<void> {
    const m = await getModel();
    const snap = new Map<string, FileStamp>();
    for (const f of files) {
      const c = waiting.get(f)!;
      c.inFlight = true;
      snap.set(f, { size: c.size, mtimeMs: c.mtimeMs });
    }
    const answered = new Set<string>();
    try {
      await runBatchPipeline(m, files, {
        pool: await getPool(m),
        shouldStop: () => stopping,
        onResult: (r) => {
          answered.add(r.path);
          handle(r, m, snap.get(r.path)!);
        },
      });
    } catch (e) {
      await dropPool(); // it could not start, or gave up: the next group starts a fresh one
      // a detect worker could not start (a broken install): nothing a file did; give up
      if (/^ERR_/.test(String((e as { code?: unknown }).code ?? ''))) throw new AppError('internal', `the image decoder cannot run: ${(e as Error).message}`);
      // the pool gave up: its workers kept stopping (a file that stops one is retried and skipped
      // by the pool itself). The unanswered files go again one at a time, so that only a file
      // that crashes a worker on its own is charged an attempt
      const err = toAppError(e);
      log(`a detect worker stopped: ${err.message}`);
      const unanswered = files.filter((f) => !answered.has(f) && waiting.has(f));
      if (unanswered.length === 1) attemptFailed(unanswered[0], waiting.get(unanswered[0])!, { code: 'internal', message: `a detect worker stopped on this file: ${err.message}` });
      else for (const f of unanswered) waiting.get(f)!.alone = true;
    } finally {
      for (const f of files) {
        const c = waiting.get(f);
        if (c) c.inFlight = false;
      }
    }
  }

  function handle(r: PipelineResult, m: LoadedModel, stamp: FileStamp): void {
    const c = waiting.get(r.path);
    if (!c) return;
    const now = Date.now();
    const st = stampOf(r.path);
    if (!st) {
      waiting.delete(r.path);
      log(`${rel(r.path)} disappeared before it was imported`);
      return;
    }
    if (!sameStamp(st, stamp)) {
      // written to while it was read: whatever was decoded is not the finished file
      changed(c, st, now);
      log(`${rel(r.path)} changed while it was read; waiting for it to be complete`);
      return;
    }
    if (!r.ok) {
      if (r.error.code === 'not_found') {
        waiting.delete(r.path);
        return;
      }
      attemptFailed(r.path, c, r.error);
      return;
    }
    try {
      const meta = r.image;
      const had = fs.existsSync(path.join(library.folder, meta.sha256));
      const kept = library.keep(r.path, meta.sha256);
      const after = stampOf(r.path);
      if (!after || !sameStamp(after, stamp)) {
        // changed between the decode and the copy: the copy may not be the decoded content
        if (!had) fs.rmSync(kept, { force: true });
        changed(c, after ?? c, now);
        log(`${rel(r.path)} changed while it was copied; waiting for it to be complete`);
        return;
      }
      const imported = store.importWithLandmarks({ image: imageRecord(meta, r.path), ...modelLabelFields(m), points: modelPoints(r.landmarks), check: r.check });
      store.markFile(jobId, r.path, { status: 'done', imageId: imported.image.id });
      waiting.delete(r.path);
      finished.set(r.path, { status: 'done' });
      doneCount++;
      opts.onResult?.({
        file: r.path,
        ok: true,
        imageId: imported.image.id,
        setId: imported.landmarks.set.id,
        duplicate: !imported.created,
        landmarks: imported.landmarks.points.length,
        format: meta.format,
        width: meta.width,
        height: meta.height,
        sha256: meta.sha256,
        attempts: c.attempts + 1,
      });
      publish(r.path);
    } catch (e) {
      // the database or the disk (locked for longer than the busy timeout, disk full): the file
      // is not finished; try again later without counting it against the file
      const err = toAppError(e);
      c.notBefore = now + Math.max(5000, settleMs);
      log(`${rel(r.path)}: could not be stored (${err.code}: ${err.message}); trying again later`);
    }
  }

  function attemptFailed(file: string, c: Candidate, error: AppErrorData): void {
    const now = Date.now();
    c.attempts++;
    if (MAYBE_INCOMPLETE.has(error.code) && c.attempts < maxAttempts) {
      const wait = settleMs * c.attempts;
      c.notBefore = now + wait;
      log(`${rel(file)}: ${error.code} (attempt ${c.attempts} of ${maxAttempts}); trying again in ${wait} ms in case it is still being written`);
      return;
    }
    const err = { code: error.code, message: error.message.slice(0, 4000) };
    try {
      store.markFile(jobId, file, { status: 'failed', error: err });
    } catch (e) {
      c.attempts--;
      c.notBefore = now + Math.max(5000, settleMs);
      log(`${rel(file)}: could not record the failure (${toAppError(e).message}); trying again later`);
      return;
    }
    waiting.delete(file);
    finished.set(file, { status: 'failed', size: c.size, mtimeMs: c.mtimeMs });
    failedCount++;
    opts.onResult?.({ file, ok: false, error: err, attempts: c.attempts });
    publish(file);
  }

  let tickTimer: NodeJS.Timeout | null = null;
  let rescanTimer: NodeJS.Timeout | null = null;

  function close(): void {
    stopping = true;
    if (tickTimer) clearInterval(tickTimer);
    if (rescanTimer) clearInterval(rescanTimer);
    for (const w of watchers.values()) w.close();
    watchers.clear();
    opts.signal?.removeEventListener('abort', onAbort);
  }

  function giveUp(e: unknown): void {
    const err = toAppError(e);
    log(`watching ${root} stopped: ${err.code}: ${err.message}`);
    close();
    void dropPool();
    rejectDone(err);
  }

  let stopped: Promise<WatchSummary> | null = null;
  function stop(): Promise<WatchSummary> {
    stopped ??= (async () => {
      close();
      await ready.catch(() => undefined);
      while (busy) await busy;
      await dropPool();
      const s = summary();
      resolveDone(s);
      return s;
    })();
    return stopped;
  }
  const onAbort = () => void stop();
  opts.signal?.addEventListener('abort', onAbort);

  const ready = new Promise<void>((resolve, reject) => {
    setImmediate(async () => {
      try {
        if (stopping) return resolve();
        await addTree(root);
        if (stopping) return resolve();
        tickTimer = setInterval(tick, tickMs);
        rescanTimer = setInterval(rescan, rescanMs);
        publish('');
        resolve();
      } catch (e) {
        giveUp(e);
        reject(toAppError(e));
      }
    });
  });
  ready.catch(() => undefined);
  if (opts.signal?.aborted) void stop();

  return { jobId, root, ready, done, status: summary, stop };
}
