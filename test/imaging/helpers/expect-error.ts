import assert from 'node:assert/strict';
import { AppError, type ErrorCode } from '../../../src-shared/errors.js';

/** Awaits `p` and asserts it rejected with an AppError of `code` whose message matches `pattern`. */
export async function expectAppError(p: Promise<unknown>, code: ErrorCode, pattern?: RegExp): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AppError, `expected an AppError(${code}), got ${e instanceof Error ? e.stack : String(e)}`);
    assert.equal(e.code, code, `expected code ${code}, got ${e.code}: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected AppError(${code}) but the call succeeded`);
}
