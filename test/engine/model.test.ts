// The model service in-process: provider choice, shared session under concurrent requests, the
// heatmap reductions the model computes itself, and a card that does not match its model.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { importImage } from '../../src-main/imaging/import.js';
import { decodeHeatmaps } from '../../src-main/inference/codec.js';
import { detect, preprocess } from '../../src-main/inference/detector.js';
import { describeProvider, gpuProvidersFor, loadModel } from '../../src-main/inference/model.js';
import type { AppError } from '../../src-shared/errors.js';
import { ISBI } from '../helpers/cli.js';
import { copyShippedModel } from '../helpers/model-copy.js';

test('GPU providers are tried per platform, then CPU, and the choice is said plainly', async () => {
  assert.deepEqual(gpuProvidersFor('linux'), ['cuda']);
  assert.deepEqual(gpuProvidersFor('win32'), ['cuda', 'dml']);
  assert.deepEqual(gpuProvidersFor('darwin'), ['coreml']);
  const m = await loadModel();
  try {
    const text = describeProvider(m.provider);
    if (m.provider.gpu) assert.match(text, /^GPU/);
    else {
      assert.equal(m.provider.name, 'cpu');
      assert.match(text, /^CPU \(no GPU provider available: tried cuda\)$/);
      assert.ok(m.provider.fallbacks[0].error.length > 0);
    }
  } finally {
    await m.close();
  }
});

test('concurrent requests on one loaded model give the same answers as sequential ones', async () => {
  const m = await loadModel({ provider: 'cpu' });
  try {
    const imgs = await Promise.all(['151', '152', '153'].map((id) => importImage(path.join(ISBI, 'images', `${id}.jpg`))));
    const seq = [];
    for (const img of imgs) seq.push(await detect(m, img));
    const par = await Promise.all([...imgs, ...imgs].map((img) => detect(m, img)));
    par.forEach((d, i) => assert.deepEqual(d.landmarks, seq[i % 3].landmarks));
  } finally {
    await m.close();
  }
});

test("the model's own argmax and log-sum-exp decode to the same landmarks as the heatmaps alone", async () => {
  const m = await loadModel({ provider: 'cpu' });
  try {
    assert.ok(m.card.output.reductions, 'the shipped model computes the heatmap reductions');
    const { height: h, width: w } = m.card.output;
    const k = m.card.landmarks.length;
    for (const id of ['151', '160']) {
      const img = await importImage(path.join(ISBI, 'images', `${id}.jpg`));
      const { input } = preprocess(img, m.card, false);
      const out = await m.run(input, 1);
      assert.ok(out.reductions);
      const fromModel = decodeHeatmaps(out.heatmaps, k, h, w, m.card.codec, out.reductions);
      const fromHeatmaps = decodeHeatmaps(out.heatmaps, k, h, w, m.card.codec);
      fromModel.forEach((p, i) => {
        assert.equal(p.x, fromHeatmaps[i].x, `x of landmark ${i}`);
        assert.equal(p.y, fromHeatmaps[i].y, `y of landmark ${i}`);
        // the model's log-sum-exp is float32 (~1e-5 relative), the sum here float64; 1e-4 is
        // also what the confidences must match Python's decoder to (test/inference/parity.test.ts)
        assert.ok(Math.abs(p.confidence - fromHeatmaps[i].confidence) <= 1e-4, `confidence of landmark ${i}: ${p.confidence} vs ${fromHeatmaps[i].confidence}`);
      });
    }
  } finally {
    await m.close();
  }
});

test('a card naming outputs the model does not have is refused at load', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-card-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { cardPath } = copyShippedModel(dir, (card) => (card.output.reductions = { peak_index: 'peak_index', log_mass: 'no_such_output' }));
  await assert.rejects(loadModel({ cardPath, provider: 'cpu' }), (e: AppError) => e.code === 'model_invalid' && /no no_such_output/.test(e.message));
});
