// Mirrored, turned and negative films: the orientation check recognises each, the tracing is made
// upright and mapped back onto the film as stored, and lands where the upright image's did.
// Real ISBI and hamedan-dev images, the real models through onnxruntime-node.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { importImage } from '../../src-main/imaging/import.js';
import { loadModel } from '../../src-main/inference/model.js';
import { storedPixels, toStored, toUpright, uprightPixels, type Orientation, type Rotation } from '../../src-main/inference/orientation.js';
import { trace } from '../../src-main/inference/trace.js';
import { ISBI, SHARED } from '../helpers/cli.js';

const ALL: Orientation[] = [];
for (const mirrored of [false, true]) for (const rotation of [0, 90, 180, 270] as Rotation[]) for (const inverted of [false, true]) ALL.push({ rotation, mirrored, inverted });

test('point and pixel transforms between a stored film and its upright image invert each other', () => {
  const w = 5;
  const h = 3;
  const px = Uint8Array.from({ length: w * h }, (_, i) => i * 7);
  for (const o of ALL) {
    const s = storedPixels(o, px, w, h);
    assert.deepEqual(Array.from(uprightPixels(o, s.pixels, s.width, s.height)), Array.from(px), JSON.stringify(o));
    for (const p of [{ x: 0, y: 0 }, { x: 4, y: 1 }, { x: 2.5, y: 2 }]) {
      const back = toUpright(o, toStored(o, p, w, h), s.width, s.height);
      assert.ok(Math.abs(back.x - p.x) < 1e-9 && Math.abs(back.y - p.y) < 1e-9, `${JSON.stringify(o)} ${JSON.stringify(p)}`);
    }
    // the pixel at a stored point is the upright pixel it maps to
    const u = { x: 3, y: 1 };
    const st = toStored(o, u, w, h);
    const v = s.pixels[st.y * s.width + st.x];
    assert.equal(v, o.inverted ? 255 - px[u.y * w + u.x] : px[u.y * w + u.x]);
  }
});

for (const [name, file] of [
  ['ISBI 155', path.join(ISBI, 'images', '155.jpg')],
  ['hamedan-dev 013', path.join(SHARED, 'hamedan-dev', 'images', '013.tif')],
] as const) {
  test(`${name}: every turn, mirror and negative is recognised and traced onto the film as stored`, async () => {
    const model = await loadModel();
    try {
      const full = await importImage(file);
      const ref = await trace(model, full);
      assert.equal(ref.check.isCephalogram, true);
      assert.deepEqual([ref.check.orientation.rotation, ref.check.orientation.mirrored, ref.check.orientation.inverted], [0, false, false]);
      for (const o of ALL) {
        const s = storedPixels(o, full.pixels, full.width, full.height);
        const t = await trace(model, { ...full, ...s });
        const got = t.check.orientation;
        assert.deepEqual({ rotation: got.rotation, mirrored: got.mirrored, inverted: got.inverted }, o, `stored ${JSON.stringify(o)}: the check said ${got.description}`);
        assert.equal(got.source, 'auto');
        assert.equal(t.check.isCephalogram, true);
        if (o.rotation || o.mirrored || o.inverted) assert.ok(t.check.warnings.some((w) => w.code === 'reoriented'), 'the user is told what was done');
        // the same anatomy, within a fraction of a mm of the upright tracing (0.1 mm/px at most here)
        const moved = t.landmarks.map((l, k) => {
          const want = toStored(o, ref.landmarks[k], full.width, full.height);
          return Math.hypot(l.x - want.x, l.y - want.y);
        });
        const mean = moved.reduce((a, b) => a + b, 0) / moved.length;
        assert.ok(mean < 3, `stored ${JSON.stringify(o)}: points moved ${mean.toFixed(2)} px on average from the upright tracing`);
      }
    } finally {
      await model.close();
    }
  });
}

test("the user's word on the orientation is used as it is, and said", async () => {
  const model = await loadModel();
  try {
    const full = await importImage(path.join(ISBI, 'images', '160.jpg'));
    const o: Orientation = { rotation: 90, mirrored: true, inverted: false };
    const s = storedPixels(o, full.pixels, full.width, full.height);
    const t = await trace(model, { ...full, ...s }, { orientation: o });
    assert.equal(t.check.orientation.source, 'user');
    assert.ok(t.check.warnings.some((w) => w.code === 'orientation_overridden'));
    // told wrongly (upright), the tracing is garbage and the check says so
    const wrong = await trace(model, { ...full, ...s }, { orientation: { rotation: 0, mirrored: false, inverted: false } });
    assert.ok(!wrong.check.isCephalogram || wrong.check.warnings.some((w) => w.code === 'implausible_shape'), `shape D2 ${wrong.check.shapeD2}`);
  } finally {
    await model.close();
  }
});

test('a JPEG stored turned by a quarter is read reduced to the turned size and traced as its upright twin', async () => {
  const sharp = (await import('sharp')).default;
  const fs = await import('node:fs');
  const os = await import('node:os');
  const { readForModel, readForModelTurned } = await import('../../src-main/inference/read-for-model.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-turned-'));
  const model = await loadModel();
  try {
    const src = path.join(ISBI, 'images', '190.jpg');
    const upright = path.join(dir, 'upright.jpg');
    const turned = path.join(dir, 'turned.jpg');
    // both re-encoded alike, one of them turned 90 degrees clockwise first
    await sharp(src).greyscale().jpeg({ quality: 95 }).toFile(upright);
    await sharp(src).greyscale().rotate(90).jpeg({ quality: 95 }).toFile(turned);
    const a = await trace(model, await readForModel(upright, model.card), { readTurned: () => readForModelTurned(upright, model.card) });
    let rereads = 0;
    const b = await trace(model, await readForModel(turned, model.card), {
      readTurned: async () => {
        rereads++;
        return readForModelTurned(turned, model.card);
      },
    });
    assert.equal(rereads, 1);
    assert.deepEqual([b.check.orientation.rotation, b.check.orientation.mirrored], [90, false]);
    const full = await importImage(upright);
    const off = b.landmarks.map((l, k) => {
      const want = toStored({ rotation: 90, mirrored: false, inverted: false }, a.landmarks[k], full.width, full.height);
      return Math.hypot(l.x - want.x, l.y - want.y) * 0.1;
    });
    const mean = off.reduce((s, v) => s + v, 0) / off.length;
    // the same anatomy through another reduced read (blocks anchored at other edges): well under 0.1 mm on average
    assert.ok(mean < 0.1, `turned and upright tracings differ by ${mean.toFixed(3)} mm on average`);
  } finally {
    await model.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
