// Opening the database file with the connection settings every MedSapiens process must share.
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../util/private-files.js';
import Database from 'better-sqlite3';
import { AppError } from '../../src-shared/errors.js';
import { FOLD_SQL_FUNCTION, fold } from './search.js';
import { toDbError } from './tx.js';

export type Db = Database.Database;

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface OpenOptions {
  /** How long a writer waits for another process's write transaction before giving up. */
  busyTimeoutMs?: number;
}

/**
 * Pragmas, and why:
 * - journal_mode=WAL: the UI keeps reading (case list, image view) while a batch process writes;
 *   readers never block the writer nor the other way round. Persistent in the file.
 * - synchronous=FULL: each commit fsyncs the WAL, so an edit we acknowledged survives not only a
 *   SIGKILL/crash of the process (NORMAL would already give that: the OS keeps the written pages)
 *   but also a power cut or OS crash right after. Edits are single-row transactions at human
 *   speed, so the extra fsync costs nothing noticeable. It must be set AFTER journal_mode: this
 *   SQLite build (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1) drops to NORMAL when a connection enters WAL.
 * - foreign_keys=ON: off by default in SQLite, per connection; without it the cascades and the
 *   references in the schema are decoration.
 * - busy_timeout: a second writer waits (up to this long) instead of failing with SQLITE_BUSY.
 *   This only helps if writers take the write lock up front: every write transaction here is
 *   BEGIN IMMEDIATE (see tx.ts), because a deferred transaction that reads first and then writes
 *   gets SQLITE_BUSY immediately, without the busy handler, when another process wrote between.
 */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const busy = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  try {
    makePrivateDir(path.dirname(file));
  } catch (e) {
    throw new AppError('unreadable', `cannot create the folder for the case database: ${(e as Error).message}`, { path: file });
  }
  let db: Db;
  const isNew = file !== ':memory:' && !fs.existsSync(file);
  try {
    db = new Database(file, { timeout: busy });
    // patient data: a new database is its owner's alone (SQLite gives its journal files the same mode)
    if (isNew) fs.chmodSync(file, PRIVATE_FILE_MODE);
  } catch (e) {
    throw new AppError('unreadable', `cannot open the case database: ${(e as Error).message}`, { path: file });
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busy))}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') {
      throw new AppError('unsupported', `the case database cannot use WAL mode (got ${String(mode)})`, { path: file });
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.function(FOLD_SQL_FUNCTION, { deterministic: true }, (s: unknown) => fold(typeof s === 'string' ? s : s == null ? null : String(s)));
    return db;
  } catch (e) {
    db.close();
    const err = toDbError(e);
    throw new AppError(err.code, `cannot open the case database: ${err.message}`, { ...err.detail, path: file });
  }
}

/** The connection settings as SQLite reports them (diagnostics and tests). */
export function connectionSettings(db: Db): { journalMode: string; synchronous: number; foreignKeys: number; busyTimeoutMs: number } {
  return {
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
    foreignKeys: Number(db.pragma('foreign_keys', { simple: true })),
    busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
  };
}
