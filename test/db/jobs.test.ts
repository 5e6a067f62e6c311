import assert from 'node:assert/strict';
import { test } from 'node:test';
import { count, imageInput, openStore, rawDb, tempDbPath } from './helpers.js';

test('a batch job tracks each file once and resumes from what is pending', (t) => {
  const file = tempDbPath(t);
  const store = openStore(t, file);
  const job = store.createJob({ root: '/scans', id: 'job-1', files: ['b.dcm', 'a.dcm', '/scans/sub/c.png'] });
  assert.equal(job.root, '/scans');
  assert.deepEqual(store.pendingFiles(job.id), ['/scans/a.dcm', '/scans/b.dcm', '/scans/sub/c.png']);

  const { image } = store.importImageRecord(imageInput('a'));
  const done = store.markFile(job.id, 'a.dcm', { status: 'done', imageId: image.id });
  assert.deepEqual([done.status, done.imageId, done.attempts, done.error], ['done', image.id, 1, null]);
  const failed = store.markFile(job.id, '/scans/b.dcm', { status: 'failed', error: { code: 'unsupported', message: 'JPEG 2000 transfer syntax' } });
  assert.deepEqual(failed.error, { code: 'unsupported', message: 'JPEG 2000 transfer syntax' });
  assert.deepEqual(store.pendingFiles(job.id), ['/scans/sub/c.png']);
  assert.deepEqual(store.pendingFiles(job.id, { includeFailed: true }), ['/scans/b.dcm', '/scans/sub/c.png']);

  // the run is restarted: same job, same file list -> nothing duplicated, progress kept
  const resumed = store.createJob({ root: '/scans/', id: 'job-1', files: ['a.dcm', 'b.dcm', 'sub/c.png', 'd.dcm'] });
  assert.deepEqual(resumed, job);
  assert.deepEqual(store.pendingFiles(job.id), ['/scans/d.dcm', '/scans/sub/c.png']);
  assert.equal(store.addFiles(job.id, ['d.dcm', 'e.dcm']), 1);

  // a retry of a failed file updates its row
  const retried = store.markFile(job.id, 'b.dcm', { status: 'done', imageId: null });
  assert.deepEqual([retried.status, retried.attempts, retried.error], ['done', 2, null]);

  store.markFile(job.id, 'sub/c.png', { status: 'failed', error: { code: 'corrupt', message: 'truncated' } });
  const sum = store.jobSummary(job.id);
  assert.deepEqual(
    { total: sum.total, pending: sum.pending, done: sum.done, failed: sum.failed },
    { total: 5, pending: 2, done: 2, failed: 1 },
  );
  assert.deepEqual(sum.failures, [{ path: '/scans/sub/c.png', code: 'corrupt', message: 'truncated' }]);
  assert.equal(count(rawDb(t, file), 'batch_files'), 5);
  assert.deepEqual(
    store.listJobs({ root: '/scans' }).map((j) => j.id),
    ['job-1'],
  );
});

test('job input is validated', (t) => {
  const store = openStore(t);
  const job = store.createJob({ root: '/r' });
  assert.match(job.id, /^[0-9a-f-]{36}$/);
  assert.throws(() => store.createJob({ root: '/other', id: job.id }), { code: 'conflict' });
  assert.throws(() => store.markFile('nope', 'a', { status: 'pending' }), { code: 'not_found' });
  assert.throws(() => store.markFile(job.id, 'a', { status: 'failed', error: { code: 'oops' as never, message: 'x' } }), { code: 'bad_request' });
  assert.throws(() => store.markFile(job.id, 'a', { status: 'failed' } as never), { code: 'bad_request' });
  assert.throws(() => store.markFile(job.id, 'a', { status: 'done', imageId: 42 }), { code: 'not_found' });
  assert.throws(() => store.jobSummary('nope'), { code: 'not_found' });
  assert.throws(() => store.createJob({ root: '' }), { code: 'bad_request' });
});
