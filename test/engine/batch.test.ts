// batch through the real CLI: recursive, bad files reported and skipped, resumable after SIGKILL
// with nothing lost or duplicated, a symlink loop does not hang it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { cli, cliAsync, DICOM, ISBI } from '../helpers/cli.js';

function makeFolder(root: string, images: string[]) {
  fs.mkdirSync(path.join(root, 'sub dir', 'déjà'), { recursive: true });
  images.forEach((id, i) => fs.copyFileSync(path.join(ISBI, 'images', `${id}.jpg`), path.join(root, i % 2 ? 'sub dir' : 'sub dir/déjà', `ceph ${id}.jpg`)));
  fs.copyFileSync(path.join(DICOM, 'bad-mr-without-rows.dcm'), path.join(root, 'broken.dcm'));
  fs.writeFileSync(path.join(root, 'notes.dcm'), 'not a dicom');
  fs.writeFileSync(path.join(root, 'empty.png'), '');
  fs.symlinkSync(root, path.join(root, 'sub dir', 'loop'));
}

function dbCounts(db: string) {
  // a run killed before it created the file has written nothing
  if (!fs.existsSync(db)) return { images: 0, sets: 0, integrity: 'ok' };
  const d = new Database(db, { readonly: true });
  try {
    // a run killed while opening the file, before the first migration's transaction committed,
    // leaves a file with no tables: also nothing written. A half-made schema would fail below.
    const tables = (d.prepare("SELECT count(*) n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
    if (tables === 0) {
      return { images: 0, sets: 0, integrity: (d.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check };
    }
    return {
      images: (d.prepare('SELECT count(*) n FROM images').get() as { n: number }).n,
      sets: (d.prepare('SELECT count(*) n FROM landmark_sets').get() as { n: number }).n,
      integrity: (d.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
    };
  } finally {
    d.close();
  }
}

test('batch: recursive, bad files reported and skipped, CSV results, re-run adds nothing', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-batch-'));
  const folder = path.join(tmp, 'in');
  makeFolder(folder, ['151', '152', '153']);
  const db = path.join(tmp, 'cases.sqlite');
  const out = path.join(tmp, 'results.csv');
  const r = cli(['batch', folder, '--out', out, '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /3 done, 3 failed, 0 pending of 6/);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines.filter((l) => l.includes(',done,')).length, 3 * 19);
  assert.ok(lines.some((l) => l.includes('broken.dcm') && l.includes('missing_element')));
  assert.ok(lines.some((l) => l.includes('notes.dcm') && l.includes('not_an_image')));
  assert.ok(lines.some((l) => l.includes('empty.png') && l.includes('empty')));
  const before = dbCounts(db);
  assert.deepEqual(before, { images: 3, sets: 3, integrity: 'ok' });
  const again = cli(['batch', folder, '--out', out, '--db', db]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /\(0 processed in this run\)/);
  assert.deepEqual(dbCounts(db), before);
  assert.equal(fs.readFileSync(out, 'utf8').trim().split('\n').length, lines.length);
});

test('batch killed with SIGKILL at random moments resumes to a complete result, nothing duplicated', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-kill-'));
  const folder = path.join(tmp, 'in');
  // enough images that every trial is killed mid-batch (a run gets through a few at most)
  const ids = Array.from({ length: 120 }, (_, i) => String(151 + i));
  fs.mkdirSync(folder);
  for (const id of ids) fs.copyFileSync(path.join(ISBI, 'images', `${id}.jpg`), path.join(folder, `${id}.jpg`));
  const db = path.join(tmp, 'cases.sqlite');
  const trials = Number(process.env.MEDSAPIENS_KILL_TRIALS ?? 20);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let killedMidway = 0;
  for (let t = 0; t < trials; t++) {
    const child = cliAsync(['batch', folder, '--out', path.join(tmp, 'r.csv'), '--db', db]);
    const delay = 200 + rand() * 1300;
    const exited = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(false);
      }, delay);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!exited) {
      killedMidway++;
      await new Promise((r) => child.on('close', r));
    }
    const c = dbCounts(db);
    assert.equal(c.integrity, 'ok');
    assert.ok(c.images <= ids.length && c.sets === c.images, `trial ${t}: ${JSON.stringify(c)}`);
    if (exited) break; // finished before the kill: the rest is the final run below
  }
  const final = cli(['batch', folder, '--out', path.join(tmp, 'r.csv'), '--db', db]);
  assert.equal(final.status, 0, final.stderr);
  assert.match(final.stderr, new RegExp(`${ids.length} done, 0 failed, 0 pending of ${ids.length}`));
  assert.deepEqual(dbCounts(db), { images: ids.length, sets: ids.length, integrity: 'ok' });
  const rows = fs.readFileSync(path.join(tmp, 'r.csv'), 'utf8').trim().split('\n').slice(1);
  assert.equal(rows.length, ids.length * 19);
  assert.ok(killedMidway >= Math.min(trials, 15), `only ${killedMidway} of ${trials} runs were killed mid-batch`);
  console.log(`SIGKILL trials: ${killedMidway} killed mid-batch, then completed: ${ids.length} images, ${rows.length} rows`);
});
