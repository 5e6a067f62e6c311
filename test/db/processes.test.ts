// Several processes on one file, and processes that die: the situations a desktop app with a
// separate batch worker actually meets.
import assert from 'node:assert/strict';
import { type ChildProcess, fork, spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { createCaseStore } from '../../src-main/db/index.js';
import type { WriterReport } from './child.js';
import { count, imageInput, MODEL_POINTS, rawDb, REPO_ROOT, tempDbPath } from './helpers.js';

const CHILD = path.join(import.meta.dirname, 'child.ts');
const childEnv = () => {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // the child is a plain script, not a test file
  delete env.MEDSAPIENS_DB;
  return env;
};

function seed(file: string) {
  const store = createCaseStore({ path: file });
  const r = store.importWithLandmarks({ image: imageInput('shared'), model: 'ceph-hrnet', version: '1.0.0', points: MODEL_POINTS });
  const job = store.createJob({ root: '/batch', id: 'job-1' });
  store.close();
  return { setId: r.landmarks.set.id, jobId: job.id };
}

function integrity(t: Parameters<typeof rawDb>[0], file: string) {
  const db = rawDb(t, file);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  return db;
}

test('two processes writing edits and batch rows at once: no SQLITE_BUSY, nothing lost', async (t) => {
  const file = tempDbPath(t);
  const { setId, jobId } = seed(file);
  const start = (landmark: string, tag: string) => {
    const cfg = { file, setId, landmark, jobId, tag, durationMs: 2000, pauseMs: 2, minEdits: 40 };
    return fork(CHILD, ['writer', JSON.stringify(cfg)], { execArgv: ['--import', 'tsx'], cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  };
  const children: ChildProcess[] = [start('sella', 'a'), start('nasion', 'b')];
  t.after(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  const message = (c: ChildProcess, want: (m: unknown) => boolean) =>
    new Promise<unknown>((resolve, reject) => {
      c.on('message', (m) => want(m) && resolve(m));
      c.once('exit', (code) => reject(new Error(`writer exited with ${code} before reporting`)));
    });
  const reports = children.map((c) => message(c, (m) => m !== 'ready') as Promise<WriterReport>);
  reports.forEach((p) => p.catch(() => {})); // awaited below; do not let an early exit go unhandled
  await Promise.all(children.map((c) => message(c, (m) => m === 'ready')));
  children.forEach((c) => c.send('go'));
  const [a, b] = await Promise.all(reports);

  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  assert.ok(a.edits > 10 && b.edits > 10, `too little work to mean anything: ${a.edits} and ${b.edits} edits`);
  t.diagnostic(`edits ${a.edits} + ${b.edits}, batch rows ${a.files} + ${b.files}, longest call ${Math.round(Math.max(a.maxCallMs, b.maxCallMs))} ms`);

  const store = createCaseStore({ path: file });
  t.after(() => store.close());
  const h = store.history(setId);
  assert.equal(h.entries.length, a.edits + b.edits);
  // the edits of both processes form one chain: every edit's parent is the edit before it
  h.entries.forEach((e, i) => assert.equal(e.parentId, i === 0 ? null : h.entries[i - 1].id, `edit ${e.id}`));
  const pts = Object.fromEntries(store.getLandmarks(setId).points.map((p) => [p.landmarkId, [p.x, p.y]]));
  assert.deepEqual(pts.sella, a.last);
  assert.deepEqual(pts.nasion, b.last);
  assert.equal(h.entries.filter((e) => e.landmarkId === 'sella').length, a.edits);

  const sum = store.jobSummary(jobId);
  assert.equal(sum.total, a.files + b.files);
  assert.equal(sum.done, a.imports + b.imports);
  const db = integrity(t, file);
  assert.equal(count(db, 'images'), 1 + a.imports + b.imports);
  assert.equal(count(db, 'landmark_sets'), 1 + a.imports + b.imports);
});

test('an acknowledged edit survives SIGKILL right after the ACK', async (t) => {
  const file = tempDbPath(t);
  const { setId } = seed(file);
  for (let round = 0; round < 3; round++) {
    const before = createCaseStore({ path: file });
    const editsBefore = before.history(setId).entries.length;
    before.close();

    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'ack', file, String(setId), String(100 * (round + 1))], { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => child.exitCode === null && child.kill('SIGKILL'));
    const acked: number[] = [];
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) if (l.startsWith('ACK ')) acked.push(Number(l.slice(4)));
        // kill as soon as one ACK is seen: the child is already busy with its next edit
        if (acked.length && child.exitCode === null) child.kill('SIGKILL');
      });
      child.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited with ${code}`))));
    });
    assert.ok(acked.length >= 1);
    const n = Math.max(...acked);

    integrity(t, file);
    const store = createCaseStore({ path: file });
    const h = store.history(setId);
    const sella = store.getLandmarks(setId).points.find((p) => p.landmarkId === 'sella')!;
    // every acknowledged edit is there; at most the one in flight at the kill got in too
    assert.ok(h.entries.length - editsBefore === n || h.entries.length - editsBefore === n + 1, `${h.entries.length - editsBefore} edits for ${n} ACKs`);
    const last = h.entries.length - editsBefore;
    const base = 100 * (round + 1);
    assert.deepEqual([sella.x, sella.y, sella.source], [base + last, base + 100 + last, 'hand']);
    assert.ok(h.entries.some((e) => e.to?.x === base + n && e.to?.y === base + 100 + n));
    assert.equal(h.entries.at(-1)!.id, store.getLandmarks(setId).set.headEditId);
    store.close();
  }
});
