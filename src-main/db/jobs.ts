// Bookkeeping for resumable batch runs: a job is a root folder and its file list; each file is
// pending until marked done (with the image it produced) or failed (with an AppError code). One
// row per (job, file path), so re-running or resuming a job never duplicates anything.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ErrorCode } from '../../src-shared/errors.js';
import { AppError } from '../../src-shared/errors.js';
import type { Db } from './open.js';
import { type Job, type JobFile, JobFileRow, JobRow, parseRow, parseRows } from './rows.js';
import { writeTx } from './tx.js';

export type FileMark = { status: 'pending' } | { status: 'done'; imageId: number | null } | { status: 'failed'; error: { code: ErrorCode; message: string } };

export interface JobSummary {
  job: Job;
  total: number;
  pending: number;
  done: number;
  failed: number;
  /** every failed file with its error, by path */
  failures: { path: string; code: string; message: string }[];
}

export function createJobRepository(db: Db, now: () => Date) {
  const q = {
    job: db.prepare('SELECT * FROM batch_jobs WHERE id = ?'),
    jobs: db.prepare('SELECT * FROM batch_jobs ORDER BY created_at DESC, id'),
    jobsOfRoot: db.prepare('SELECT * FROM batch_jobs WHERE root = ? ORDER BY created_at DESC, id'),
    insertJob: db.prepare('INSERT INTO batch_jobs (id, root, created_at) VALUES (?, ?, ?) RETURNING *'),
    addFile: db.prepare(`INSERT INTO batch_files (job_id, path, status, updated_at) VALUES (?, ?, 'pending', ?) ON CONFLICT (job_id, path) DO NOTHING`),
    imageExists: db.prepare('SELECT 1 FROM images WHERE id = ?'),
    mark: db.prepare(`
      INSERT INTO batch_files (job_id, path, status, image_id, error_code, error_message, attempts, updated_at)
      VALUES (@jobId, @path, @status, @imageId, @errorCode, @errorMessage, @attempt, @at)
      ON CONFLICT (job_id, path) DO UPDATE SET
        status = excluded.status, image_id = excluded.image_id, error_code = excluded.error_code,
        error_message = excluded.error_message, attempts = attempts + excluded.attempts, updated_at = excluded.updated_at
      RETURNING *`),
    pending: db.prepare(`SELECT path FROM batch_files WHERE job_id = ? AND status = 'pending' ORDER BY path LIMIT ?`),
    pendingOrFailed: db.prepare(`SELECT path FROM batch_files WHERE job_id = ? AND status IN ('pending', 'failed') ORDER BY path LIMIT ?`),
    counts: db.prepare('SELECT status, count(*) AS n FROM batch_files WHERE job_id = ? GROUP BY status'),
    failures: db.prepare(`SELECT * FROM batch_files WHERE job_id = ? AND status = 'failed' ORDER BY path`),
    files: db.prepare('SELECT * FROM batch_files WHERE job_id = ? ORDER BY path'),
  };

  function loadJob(jobId: string): Job {
    const row = q.job.get(jobId);
    if (!row) throw new AppError('not_found', `no batch job ${jobId}`, { jobId });
    return parseRow(JobRow, row, 'batch_jobs');
  }

  /** Files are keyed by absolute path, so 'a.dcm' and '/root/a.dcm' are the same file of a job. */
  const fileKey = (job: Job, file: string) => path.resolve(job.root, file);

  function addFiles(jobId: string, files: readonly string[]): number {
    return writeTx(db, () => {
      const job = loadJob(jobId);
      const at = now().toISOString();
      let added = 0;
      for (const f of files) added += q.addFile.run(job.id, fileKey(job, f), at).changes;
      return added;
    });
  }

  return {
    /** With an id that exists already for the same root, returns that job (a resumed run), adding
     * any files not yet listed; the same id for another root is a conflict. */
    createJob(input: { root: string; id?: string; files?: readonly string[] }): Job {
      return writeTx(db, () => {
        const root = path.resolve(input.root);
        const id = input.id ?? randomUUID();
        const existing = q.job.get(id);
        let job: Job;
        if (existing) {
          job = parseRow(JobRow, existing, 'batch_jobs');
          if (job.root !== root) throw new AppError('conflict', `batch job ${id} is for ${job.root}, not ${root}`, { jobId: id });
        } else {
          job = parseRow(JobRow, q.insertJob.get(id, root, now().toISOString()), 'batch_jobs');
        }
        if (input.files?.length) addFiles(job.id, input.files);
        return job;
      });
    },

    addFiles,

    listJobs(opts: { root?: string } = {}): Job[] {
      const rows = opts.root !== undefined ? q.jobsOfRoot.all(path.resolve(opts.root)) : q.jobs.all();
      return parseRows(JobRow, rows, 'batch_jobs');
    },

    /** Records the outcome for a file (adding it to the job if it was not listed). */
    markFile(jobId: string, file: string, mark: FileMark): JobFile {
      return writeTx(db, () => {
        const job = loadJob(jobId);
        const imageId = mark.status === 'done' ? mark.imageId : null;
        if (imageId !== null && !q.imageExists.get(imageId)) throw new AppError('not_found', `no image ${imageId}`, { imageId });
        const row = q.mark.get({
          jobId: job.id,
          path: fileKey(job, file),
          status: mark.status,
          imageId,
          errorCode: mark.status === 'failed' ? mark.error.code : null,
          errorMessage: mark.status === 'failed' ? mark.error.message : null,
          attempt: mark.status === 'pending' ? 0 : 1,
          at: now().toISOString(),
        });
        return parseRow(JobFileRow, row, 'batch_files');
      });
    },

    /** Absolute paths still to do, in path order; includeFailed for a "retry failures" run. */
    pendingFiles(jobId: string, opts: { includeFailed?: boolean; limit?: number } = {}): string[] {
      loadJob(jobId);
      const stmt = opts.includeFailed ? q.pendingOrFailed : q.pending;
      return (stmt.all(jobId, opts.limit ?? -1) as { path: string }[]).map((r) => r.path);
    },

    /** Every file of the job with its outcome, for writing a batch's complete results. */
    jobFiles(jobId: string): JobFile[] {
      loadJob(jobId);
      return parseRows(JobFileRow, q.files.all(jobId), 'batch_files');
    },

    jobSummary(jobId: string): JobSummary {
      // one read transaction, so the counts and the failure list agree with each other
      return db.transaction(() => {
        const job = loadJob(jobId);
        const counts = { pending: 0, done: 0, failed: 0 };
        for (const r of q.counts.all(jobId) as { status: keyof typeof counts; n: number }[]) counts[r.status] = r.n;
        const failures = parseRows(JobFileRow, q.failures.all(jobId), 'batch_files').map((f) => ({
          path: f.path,
          code: f.error?.code ?? 'internal',
          message: f.error?.message ?? '',
        }));
        return { job, total: counts.pending + counts.done + counts.failed, ...counts, failures };
      }).deferred();
    },
  };
}

export type JobRepository = ReturnType<typeof createJobRepository>;
