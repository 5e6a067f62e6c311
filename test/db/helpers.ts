// Shared fixtures for the case database tests: a fresh database file per test, image records
// and model outputs.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { createCaseStore, type CaseStore, type ModelPointInput } from '../../src-main/db/index.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medsapiens-db-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function tempDbPath(t: TestContext): string {
  return path.join(tempDir(t), 'cases.sqlite');
}

/** A store on a fresh file, closed when the test ends. */
export function openStore(t: TestContext, file = tempDbPath(t)): CaseStore {
  const store = createCaseStore({ path: file });
  t.after(() => store.close());
  return store;
}

export const sha = (seed: string) => createHash('sha256').update(seed).digest('hex');

export function imageInput(seed: string, over: Record<string, unknown> = {}) {
  return {
    sha256: sha(seed),
    sourcePath: `/data/${seed}.dcm`,
    format: 'dicom',
    width: 1935,
    height: 2400,
    spacing: { rowMm: 0.1, colMm: 0.1, source: 'pixel-spacing' as const },
    ...over,
  };
}

export const MODEL_POINTS: ModelPointInput[] = [
  { landmarkId: 'sella', x: 800, y: 900, confidence: 0.91 },
  { landmarkId: 'nasion', x: 1400, y: 850, confidence: 0.88 },
  { landmarkId: 'menton', x: 1300, y: 1900, confidence: 0.75 },
];

/** A second connection straight to the file, for counting rows and checking what is on disk. */
export function rawDb(t: TestContext, file: string, readonly = true): Database.Database {
  const db = new Database(file, { readonly, timeout: 5000 });
  t.after(() => db.close());
  return db;
}

export function count(db: Database.Database, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

export const xy = (p: { x: number; y: number } | undefined) => (p ? [p.x, p.y] : undefined);
