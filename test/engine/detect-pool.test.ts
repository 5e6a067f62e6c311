// The batch's pool of detect workers (src-main/services/detect-pool.ts), with the real model in
// worker threads: the same landmarks as detection on the main thread, a bad file answered
// without stopping the pool, a file that stops its worker skipped while the batch goes on, and a
// model that cannot load in the workers refused at start.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { detect } from '../../src-main/inference/detector.js';
import { loadModel, type LoadedModel } from '../../src-main/inference/model.js';
import { copyShippedModel } from '../helpers/model-copy.js';
import { readForCrops, readForModel } from '../../src-main/inference/read-for-model.js';
import { startDetectPool } from '../../src-main/services/detect-pool.js';
import { runBatchPipeline, type PipelineResult } from '../../src-main/services/batch-pipeline.js';
import { ISBI } from '../helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-pool-'));
let model: LoadedModel;

before(async () => {
  model = await loadModel({ provider: 'cpu' });
});
after(async () => {
  await model.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('workers give the landmarks the main thread gives; a bad file is answered and the pool goes on', async () => {
  const pool = await startDetectPool(model, 2);
  try {
    const files = ['151', '152', '153', '154'].map((id) => path.join(ISBI, 'images', `${id}.jpg`));
    const missing = path.join(tmp, 'gone.jpg');
    const replies = await Promise.all([...files.slice(0, 2), missing, ...files.slice(2)].map((f) => pool.detect(f)));
    const bad = replies[2];
    assert.ok(!bad.ok && bad.error.code === 'not_found', 'the missing file is reported, typed');
    const good = replies.filter((r) => r !== bad);
    for (const [i, r] of good.entries()) {
      assert.ok(r.ok);
      const read = await readForModel(files[i], model.card);
      assert.equal(r.image.sha256, read.sha256);
      const here = (await detect(model, read, { readForCrops: (px) => readForCrops(files[i], model.card, px) })).landmarks;
      // one thread in the worker, all cores here: only float summation order differs
      r.landmarks.forEach((p, k) => assert.ok(Math.hypot(p.x - here[k].x, p.y - here[k].y) < 1e-2, `${path.basename(files[i])} ${p.id}`));
    }
    assert.ok((await pool.bareThroughput(2)) > 0);
  } finally {
    await pool.close();
  }
});

test('a file that stops its worker is retried alone, then skipped; the others are all answered, in order', async () => {
  const stopping = new URL('./fixtures/stopping-worker.mjs', import.meta.url);
  const images = ['151', '152', '153', '154', '155', '156'].map((id) => path.join(ISBI, 'images', `${id}.jpg`));
  const poison = path.join(tmp, 'poison.jpg');
  fs.copyFileSync(images[0], poison);
  {
    // both requests in the one worker when it stops: the innocent one must not be retried beside
    // the poison again, or the second stop would count against it too
    const pool = await startDetectPool(model, 1, { workerUrl: stopping });
    try {
      const [p, ok] = await Promise.all([pool.detect(poison), pool.detect(images[1])]);
      assert.ok(!p.ok && /stopped twice/.test(p.error.message));
      assert.ok(ok.ok, JSON.stringify(ok));
    } finally {
      await pool.close();
    }
  }
  const paths = [images[0], images[1], poison, images[2], images[3], images[4], images[5]];
  const ref = (await detect(model, await readForModel(images[1], model.card), { readForCrops: (px) => readForCrops(images[1], model.card, px) })).landmarks;
  for (const size of [1, 2]) {
    const pool = await startDetectPool(model, size, { workerUrl: stopping });
    try {
      const results: PipelineResult[] = [];
      const t0 = performance.now();
      const r = await runBatchPipeline(model, paths, { pool, onResult: (x) => void results.push(x) });
      assert.ok(performance.now() - t0 < 60_000);
      assert.deepEqual(results.map((x) => x.path), paths, `${size} worker(s): every file answered, in order`);
      assert.deepEqual(r, { done: 6, failed: 1 });
      const bad = results[2];
      assert.ok(!bad.ok && bad.error.code === 'internal' && /stopped twice/.test(bad.error.message), JSON.stringify(bad));
      // the files that shared a worker with it were retried, not failed, and came out right
      const got = results[1];
      assert.ok(got.ok);
      got.landmarks.forEach((p, k) => assert.ok(Math.hypot(p.x - ref[k].x, p.y - ref[k].y) < 1e-2));
      // and the pool still works afterwards
      assert.ok((await pool.detect(images[2])).ok);
    } finally {
      await pool.close();
    }
  }
});

test('workers that keep stopping fail the pool instead of restarting forever', async () => {
  const stopping = new URL('./fixtures/stopping-worker.mjs', import.meta.url);
  const pool = await startDetectPool(model, 1, { workerUrl: stopping });
  try {
    const poisons = Array.from({ length: 4 }, (_, i) => path.join(tmp, `poison-${i}.jpg`));
    const t0 = performance.now();
    const replies = await Promise.allSettled(poisons.map((p) => pool.detect(p)));
    assert.ok(performance.now() - t0 < 60_000);
    // two stops for the first file, two for the second: the third is refused
    assert.ok(replies[0].status === 'fulfilled' && !replies[0].value.ok);
    assert.ok(replies[1].status === 'fulfilled' && !replies[1].value.ok);
    assert.ok(replies.slice(2).every((x) => x.status === 'rejected' && /keep stopping/.test(String(x.reason?.message))), JSON.stringify(replies.slice(2)));
    await assert.rejects(pool.detect(path.join(ISBI, 'images', '151.jpg')), /keep stopping/);
  } finally {
    await pool.close();
  }
});

test('closing the pool while a replacement worker loads its model waits for the load instead of ending it mid-load', async () => {
  // ending a thread inside onnxruntime's model load can abort the whole process (a core dump of
  // this test file showed it): the third worker must get to ready before close() ends it
  const stopping = new URL('./fixtures/stopping-worker.mjs', import.meta.url);
  const log = path.join(tmp, 'ready.log');
  process.env.MEDSAPIENS_TEST_READY_LOG = log;
  try {
    for (let i = 0; i < 2; i++) {
      fs.rmSync(log, { force: true });
      const pool = await startDetectPool(model, 1, { workerUrl: stopping });
      // the poison stops the worker twice and is answered as failed; a third worker is then loading
      const reply = await pool.detect(path.join(tmp, `poison-close-${i}.jpg`));
      assert.ok(!reply.ok);
      await pool.close();
      assert.equal(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length, 3, 'every worker started was let load before the pool closed');
    }
  } finally {
    delete process.env.MEDSAPIENS_TEST_READY_LOG;
  }
});

test('a model the workers cannot load stops the pool at start with a typed error', async () => {
  const { cardPath, onnxPath } = copyShippedModel(path.join(tmp, 'models'));
  const local = await loadModel({ cardPath, provider: 'cpu' });
  try {
    fs.rmSync(onnxPath); // gone between the main thread's load and the workers'
    const t0 = performance.now();
    await assert.rejects(startDetectPool(local, 2), (e: { code?: string }) => e.code === 'model_invalid');
    assert.ok(performance.now() - t0 < 30_000);
  } finally {
    await local.close();
  }
});
