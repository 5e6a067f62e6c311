// The batch's pool of detect workers (src-main/services/detect-pool.ts), with the real model in
// worker threads: the same landmarks as detection on the main thread, a bad file answered
// without stopping the pool, and a model that cannot load in the workers refused at start.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { detect } from '../../src-main/inference/detector.js';
import { findModelCard, loadModel, type LoadedModel } from '../../src-main/inference/model.js';
import { readForModel } from '../../src-main/inference/read-for-model.js';
import { startDetectPool } from '../../src-main/services/detect-pool.js';
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
      assert.equal(r.image.sha256, (await readForModel(files[i], model.card)).sha256);
      const here = (await detect(model, await readForModel(files[i], model.card))).landmarks;
      // one thread in the worker, all cores here: only float summation order differs
      r.landmarks.forEach((p, k) => assert.ok(Math.hypot(p.x - here[k].x, p.y - here[k].y) < 1e-2, `${path.basename(files[i])} ${p.id}`));
    }
    assert.ok((await pool.bareThroughput(2)) > 0);
  } finally {
    await pool.close();
  }
});

test('a model the workers cannot load stops the pool at start with a typed error', async () => {
  const dir = path.join(tmp, 'models');
  fs.mkdirSync(dir);
  const card = findModelCard();
  const cardCopy = path.join(dir, path.basename(card));
  fs.copyFileSync(card, cardCopy);
  const onnx = JSON.parse(fs.readFileSync(card, 'utf8')).file as string;
  fs.copyFileSync(path.join(path.dirname(card), onnx), path.join(dir, onnx));
  const local = await loadModel({ cardPath: cardCopy, provider: 'cpu' });
  try {
    fs.rmSync(path.join(dir, onnx)); // gone between the main thread's load and the workers'
    const t0 = performance.now();
    await assert.rejects(startDetectPool(local, 2), (e: { code?: string }) => e.code === 'model_invalid');
    assert.ok(performance.now() - t0 < 30_000);
  } finally {
    await local.close();
  }
});
