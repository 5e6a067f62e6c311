// `medsapiens watch` as a subprocess on a temp folder and database, with files written the way a
// device writes them: slowly, in chunks, into new subfolders, one with a pause long enough that
// the watcher sees a stable half-file. Every good file must be imported exactly once and whole,
// bad files fail with their code, and a restart processes only what is new. The second test runs
// watchFolder in-process with change notification off (the rescan fallback) and with the case
// database and image library inside the watched folder.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { LoadedModel } from '../../src-main/inference/model.js';
import type { WatchResult } from '../../src-main/services/watch.js';
import { projectRoot } from '../../src-main/util/paths.js';
import { DICOM, ISBI } from '../helpers/cli.js';
import { count, parseLines, readDb, sha256, sleep, startCli, watchEntry, writeInChunks } from './helpers.js';

const SETTLE = 600;
const RESCAN = 1500;
const jpg = (id: string) => path.join(ISBI, 'images', `${id}.jpg`);

function dbState(db: string) {
  return readDb(db, (d) => ({
    images: count(d, 'SELECT count(*) n FROM images'),
    sets: count(d, 'SELECT count(*) n FROM landmark_sets'),
    pointsPerSet: (d.prepare('SELECT count(*) n FROM landmark_points GROUP BY set_id').all() as { n: number }[]).map((r) => r.n),
    hashes: (d.prepare('SELECT sha256 FROM images ORDER BY id').all() as { sha256: string }[]).map((r) => r.sha256),
    files: d.prepare('SELECT path, status, error_code FROM batch_files ORDER BY path').all() as { path: string; status: string; error_code: string | null }[],
  }));
}

test('watch: slow writers, new subfolders and bad files; each good file imported once and whole; a restart redoes nothing', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-watch-'));
  const folder = path.join(tmp, 'in');
  fs.mkdirSync(folder);
  const db = path.join(tmp, 'cases.sqlite');
  fs.copyFileSync(jpg('001'), path.join(folder, '001.jpg')); // there before the watch starts
  const args = ['watch', folder, '--db', db, '--settle-ms', String(SETTLE), '--rescan-ms', String(RESCAN)];
  const entry = watchEntry();

  const w1 = startCli(args, { entry });
  try {
    await w1.waitFor(() => /watching /.test(w1.stderr()), 'the watch to start');
    await w1.waitFor(() => w1.lines.length >= 1, 'the file that was there before');

    // a JPEG written in 5 chunks 300 ms apart into a subfolder created now
    const jpeg = path.join(folder, 'incoming', '002.jpg');
    await writeInChunks(jpg('002'), jpeg, 5, 300);
    await w1.waitFor(() => w1.lines.length >= 2, 'the chunked JPEG');

    // a DICOM copied in 6 chunks, two folder levels created at once, with a 3 s stall after the
    // third chunk: longer than the settle time, so the watcher must see a stable truncated file
    const dcmSrc = path.join(DICOM, 'cr-hip-jpeg-lossy.dcm');
    const dcm = path.join(folder, 'new', 'deeper', 'study.dcm');
    await writeInChunks(dcmSrc, dcm, 6, 200, { afterChunk: 3, ms: 3000 });

    // bad files: a DICOM without Rows, and text named .dcm
    fs.copyFileSync(path.join(DICOM, 'bad-mr-without-rows.dcm'), path.join(folder, 'broken.dcm'));
    fs.writeFileSync(path.join(folder, 'incoming', 'notes.dcm'), 'not a dicom');

    await w1.waitFor(() => w1.lines.length >= 5, 'five results', 120_000);
    await sleep(2 * RESCAN + SETTLE); // rescans and change events must not bring anything back
    const results = parseLines(w1.lines);
    const byFile = new Map<string, Record<string, any>[]>();
    for (const r of results) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
    assert.equal(results.length, 5, w1.lines.join('\n'));
    for (const [f, rs] of byFile) assert.equal(rs.length, 1, `${f} reported ${rs.length} times`);

    const good = [
      [path.join(folder, '001.jpg'), jpg('001')],
      [jpeg, jpg('002')],
      [dcm, dcmSrc],
    ] as const;
    for (const [file, src] of good) {
      const r = byFile.get(file)?.[0];
      assert.ok(r?.ok, `${file}: ${JSON.stringify(r)}`);
      assert.equal(r.landmarks, 19);
      assert.equal(r.sha256, sha256(src), `${file} was imported with other content than the finished file`);
      assert.equal(r.duplicate, false);
    }
    assert.deepEqual(byFile.get(path.join(folder, 'broken.dcm'))?.[0].error.code, 'missing_element');
    assert.deepEqual(byFile.get(path.join(folder, 'incoming', 'notes.dcm'))?.[0].error.code, 'not_an_image');
    // the stall was seen: the truncated DICOM was decoded, refused, and waited for
    assert.match(w1.stderr(), /study\.dcm: corrupt \(attempt 1 of \d\)/);

    const s1 = dbState(db);
    assert.equal(s1.images, 3);
    assert.equal(s1.sets, 3);
    assert.deepEqual(s1.pointsPerSet, [19, 19, 19]);
    // nothing half-written in the database nor in the image library: only the finished files' hashes
    assert.deepEqual([...s1.hashes].sort(), good.map(([, src]) => sha256(src)).sort());
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'images')).sort(), [...s1.hashes].sort());
    assert.deepEqual(
      s1.files.map((f) => [path.relative(folder, f.path), f.status, f.error_code]),
      [
        ['001.jpg', 'done', null],
        ['broken.dcm', 'failed', 'missing_element'],
        ['incoming/002.jpg', 'done', null],
        ['incoming/notes.dcm', 'failed', 'not_an_image'],
        ['new/deeper/study.dcm', 'done', null],
      ],
    );
  } finally {
    w1.child.kill('SIGTERM');
  }
  const e1 = await w1.exited;
  assert.equal(e1.code, 0, `SIGTERM: ${JSON.stringify(e1)}\n${w1.stderr().slice(-2000)}`);
  assert.match(w1.stderr(), /watch stopped: 3 imported and 2 failed in this run/);

  // restart: nothing done or failed before is processed again; only the new file is
  const w2 = startCli(args, { entry });
  try {
    await w2.waitFor(() => /watching /.test(w2.stderr()), 'the second watch to start');
    assert.match(w2.stderr(), /3 done and 2 failed before/);
    const third = path.join(folder, 'incoming', '003.jpg');
    await writeInChunks(jpg('003'), third, 4, 250);
    await w2.waitFor(() => w2.lines.length >= 1, 'the new file', 60_000);
    await sleep(2 * RESCAN + 4 * SETTLE); // long enough for any old file to have come back
    const results = parseLines(w2.lines);
    assert.deepEqual(
      results.map((r) => [r.file, r.ok, r.landmarks]),
      [[third, true, 19]],
      w2.stderr(),
    );
  } finally {
    w2.child.kill('SIGINT');
  }
  const e2 = await w2.exited;
  assert.equal(e2.code, 0, `SIGINT: ${JSON.stringify(e2)}`);
  const s2 = dbState(db);
  assert.equal(s2.images, 4);
  assert.equal(s2.sets, 4);
  assert.deepEqual(s2.pointsPerSet, [19, 19, 19, 19]);
  assert.equal(s2.files.filter((f) => f.status === 'done').length, 4);
  assert.equal(s2.files.filter((f) => f.status === 'failed').length, 2);
  console.log(`watch: run 1 printed ${w1.lines.length} results (3 imported, 2 failed), run 2 printed ${w2.lines.length}; database: ${s2.images} images, ${s2.sets} landmark sets`);
  fs.rmSync(tmp, { recursive: true, force: true });
});

// the compiled services, as the app runs them (the batch pipeline's detect workers are compiled JS)
const dist = (p: string) => pathToFileURL(path.join(projectRoot(), 'dist', p)).href;

test('watchFolder without change notification (rescans only), database and library inside the watched folder', async () => {
  const { watchFolder } = (await import(dist('src-main/services/watch.js'))) as typeof import('../../src-main/services/watch.js');
  const { createCaseStore } = (await import(dist('src-main/db/store.js'))) as typeof import('../../src-main/db/store.js');
  const { loadModel } = (await import(dist('src-main/inference/model.js'))) as typeof import('../../src-main/inference/model.js');
  const { createImageLibrary } = (await import(dist('src-main/services/image-library.js'))) as typeof import('../../src-main/services/image-library.js');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-watch-rescan-'));
  const store = createCaseStore({ path: path.join(tmp, 'cases.sqlite') });
  const library = createImageLibrary(path.join(tmp, 'images'));
  let model: Promise<LoadedModel> | undefined;
  const results: WatchResult[] = [];
  const abort = new AbortController();
  const w = watchFolder({ root: tmp, store, library, model: () => (model ??= loadModel()), settleMs: 300, rescanMs: 400, fsWatch: false, onResult: (r) => results.push(r), signal: abort.signal });
  try {
    await w.ready;
    fs.copyFileSync(jpg('004'), path.join(tmp, '004.jpg'));
    fs.mkdirSync(path.join(tmp, 'later'));
    await writeInChunks(jpg('005'), path.join(tmp, 'later', '005.jpg'), 3, 150);
    const t0 = Date.now();
    while (results.length < 2 && Date.now() - t0 < 60_000) await sleep(100);
    await sleep(1500); // several rescans: the database (and its WAL) and the kept copies stay out
    assert.deepEqual(
      results.map((r) => [path.relative(tmp, r.file), r.ok ? true : r.error.message]),
      [
        ['004.jpg', true],
        ['later/005.jpg', true],
      ],
    );
    abort.abort();
    const s = await w.done;
    assert.deepEqual(s, { jobId: w.jobId, done: 2, failed: 0, waiting: 0 });
    assert.equal(store.jobSummary(w.jobId).done, 2);
    assert.equal(store.listCases({}).length, 2);
  } finally {
    await w.stop();
    if (model) await (await model).close();
    store.close();
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});
