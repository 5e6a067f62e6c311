// The model service in-process: provider choice, shared session under concurrent requests.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { importImage } from '../../src-main/imaging/import.js';
import { detect } from '../../src-main/inference/detector.js';
import { describeProvider, gpuProvidersFor, loadModel } from '../../src-main/inference/model.js';
import { ISBI } from '../helpers/cli.js';

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
