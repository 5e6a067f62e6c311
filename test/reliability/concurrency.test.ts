// Landmark edits while a batch writes to the same database file: `medsapiens batch` runs as a
// subprocess on 15 ISBI images while this process, with its own CaseStore on the same file (the
// way the app's window and a CLI batch share the database), keeps moving points on every set as
// soon as it appears. No edit may fail (SQLITE_BUSY or anything else), every acknowledged edit
// must be in the database at the end, and the batch must be complete.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { toAppError } from '../../src-shared/errors.js';
import { createCaseStore } from '../../src-main/db/store.js';
import { ISBI } from '../helpers/cli.js';
import { count, readDb, sleep, startCli } from './helpers.js';

const N = 15;

test('landmark edits during a batch: none lost, none refused, the batch complete', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-concurrency-'));
  const folder = path.join(tmp, 'in');
  fs.mkdirSync(folder);
  const ids = Array.from({ length: N }, (_, i) => String(21 + i).padStart(3, '0'));
  for (const id of ids) fs.copyFileSync(path.join(ISBI, 'images', `${id}.jpg`), path.join(folder, `${id}.jpg`));
  const db = path.join(tmp, 'cases.sqlite');
  const store = createCaseStore({ path: db }); // created and migrated before the batch opens it

  let seed = 4242;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const sets = new Map<number, { landmarks: string[]; width: number; height: number }>();
  const expected = new Map<string, { setId: number; landmarkId: string; x: number; y: number }>();
  const errors: string[] = [];
  let edits = 0;
  let editsWhileRunning = 0;
  const setsEditedWhileRunning = new Set<number>();
  let running = true;

  const batch = startCli(['batch', folder, '--db', db, '--out', path.join(tmp, 'results.csv')]);
  void batch.exited.then(() => (running = false));
  try {
    while (running) {
      try {
        // sets as they appear, through the store's own reads (what the UI's case list does)
        for (const c of store.listCases({ limit: 1000 })) {
          const detail = store.getCase(c.imageId);
          const s = detail.landmarks;
          if (s && !sets.has(s.set.id)) sets.set(s.set.id, { landmarks: s.points.map((p) => p.landmarkId), width: detail.image.width, height: detail.image.height });
        }
      } catch (e) {
        const err = toAppError(e);
        errors.push(`read: ${err.code}: ${err.message}`);
      }
      for (const [setId, s] of sets) {
        const landmarkId = s.landmarks[Math.floor(rand() * s.landmarks.length)];
        const x = Math.round(rand() * (s.width - 1) * 100) / 100;
        const y = Math.round(rand() * (s.height - 1) * 100) / 100;
        try {
          const state = store.movePoint(setId, landmarkId, x, y);
          const p = state.points.find((q) => q.landmarkId === landmarkId);
          assert.ok(p && p.x === x && p.y === y && p.source === 'hand', `movePoint returned ${JSON.stringify(p)}`);
          expected.set(`${setId}/${landmarkId}`, { setId, landmarkId, x, y }); // acknowledged
          edits++;
          if (running) {
            editsWhileRunning++;
            setsEditedWhileRunning.add(setId);
          }
        } catch (e) {
          const err = toAppError(e);
          errors.push(`movePoint ${setId}/${landmarkId}: ${err.code}: ${err.message} ${JSON.stringify(err.detail ?? {})}`);
        }
      }
      await sleep(5); // lets the batch's exit be noticed; edits are back to back otherwise
    }
  } finally {
    if (running) batch.child.kill('SIGKILL');
  }
  const exit = await batch.exited;
  store.close();

  console.log(`edits during the batch: ${editsWhileRunning} on ${setsEditedWhileRunning.size} sets (${edits} in all, ${expected.size} distinct points); errors: ${errors.length}`);
  assert.deepEqual(errors, []);
  assert.equal(exit.code, 0, batch.stderr().slice(-3000));
  assert.match(batch.stderr(), new RegExp(`${N} done, 0 failed, 0 pending of ${N}`));
  assert.doesNotMatch(batch.stderr(), /SQLITE_BUSY|locked/i);
  // the edits overlapped the batch: most sets were edited while it was still writing others
  assert.ok(setsEditedWhileRunning.size >= N - 3, `only ${setsEditedWhileRunning.size} sets were edited while the batch ran`);
  assert.ok(editsWhileRunning >= 50, `only ${editsWhileRunning} edits while the batch ran`);

  readDb(db, (d) => {
    assert.equal(count(d, 'SELECT count(*) n FROM images'), N);
    assert.equal(count(d, 'SELECT count(*) n FROM landmark_sets'), N);
    assert.equal(count(d, `SELECT count(*) n FROM batch_files WHERE status = 'done'`), N);
    const point = d.prepare('SELECT x, y, source FROM landmark_points WHERE set_id = ? AND landmark_id = ?');
    const lost: string[] = [];
    for (const e of expected.values()) {
      const p = point.get(e.setId, e.landmarkId) as { x: number; y: number; source: string } | undefined;
      if (!p || p.x !== e.x || p.y !== e.y || p.source !== 'hand') lost.push(`${e.setId}/${e.landmarkId}: wrote (${e.x}, ${e.y}), found ${JSON.stringify(p)}`);
    }
    assert.deepEqual(lost, [], `${lost.length} of ${expected.size} acknowledged edits are not in the database`);
    // the edit log has every edit too (each movePoint is one logged edit)
    assert.equal(count(d, 'SELECT count(*) n FROM landmark_edits'), edits);
    assert.equal((d.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
  });
  fs.rmSync(tmp, { recursive: true, force: true });
});
