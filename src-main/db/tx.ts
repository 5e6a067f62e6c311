// Write transactions and the mapping of SQLite failures onto the app's error codes.
import { AppError, toAppError } from '../../src-shared/errors.js';
import type { Db } from './open.js';

/**
 * Runs fn in a BEGIN IMMEDIATE transaction (a SAVEPOINT when already inside one). IMMEDIATE takes
 * the write lock before the first read, so the busy timeout applies and what fn reads cannot be
 * changed by another process before fn writes. fn must be synchronous.
 */
export function writeTx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** SQLite errors become AppErrors; AppErrors pass through unchanged. */
export function toDbError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    const message = (e as Error).message;
    if (code.startsWith('SQLITE_CONSTRAINT')) return new AppError('conflict', message, { sqlite: code });
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return new AppError('conflict', `the case database stayed locked by another process: ${message}`, { sqlite: code });
    }
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new AppError('corrupt', message, { sqlite: code });
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR')) {
      return new AppError('unreadable', message, { sqlite: code });
    }
    return new AppError('internal', message, { sqlite: code });
  }
  return toAppError(e);
}
