// The second stage's crops: the same values as training/refine.py's, and the same crop whichever
// way a film is stored (the app cuts it from the stored film, training from the upright one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cropFrame, fromCrop, sampleCrop, storedAxes } from '../../src-main/inference/refine.js';
import { toStored, uprightSize, type Orientation } from '../../src-main/inference/orientation.js';
import { runPython } from '../helpers/python.js';

const CROP = 96;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function testImage(w: number, h: number): Uint8Array {
  // structure at several scales, so that a crop taken from the wrong place or turned differs
  const r = rng(3);
  const px = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = Math.round(120 + 60 * Math.sin(x / 7) * Math.cos(y / 11) + 40 * (x / w) - 30 * (y / h) + 25 * r());
  return px;
}

test('the crop equals training/refine.py sample_crop, inside the image and across its edge', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-refine-'));
  const w = 301, h = 257;
  const img = testImage(w, h);
  const file = path.join(tmp, 'grey.u8');
  fs.writeFileSync(file, img);
  const axes = storedAxes({ rotation: 0, mirrored: false }, false, w, h);
  for (const [cx, cy, step] of [[150.3, 120.8, 1.55], [12.6, 240.1, 1.37], [-10, 5, 2.2]]) {
    const out = path.join(tmp, 'crop.f32');
    runPython(['-m', 'training.parity_dump', 'crop', file, String(w), String(h), String(cx), String(cy), String(step), out]);
    const py = new Float32Array(fs.readFileSync(out).buffer.slice(0));
    const ts = new Float32Array(CROP * CROP);
    sampleCrop(img, w, h, cropFrame({ x: cx, y: cy }, step, axes), CROP, false, ts, 0);
    let max = 0;
    for (let i = 0; i < ts.length; i++) max = Math.max(max, Math.abs(ts[i] - py[i]));
    assert.ok(max <= 1e-3, `max difference ${max} at centre ${cx}, ${cy}`);
    // the crops across the edge hold padding
    if (cx < 20) assert.ok(ts.some((v) => v === 0));
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('a film stored turned, mirrored or both gives the upright film\'s crop, and its point maps back to the same place', () => {
  const uw = 180, uh = 140;
  const upright = testImage(uw, uh);
  const p = { x: 71.4, y: 63.2 };
  const step = 1.3;
  const ref = new Float32Array(CROP * CROP);
  sampleCrop(upright, uw, uh, cropFrame(p, step, { ex: { x: 1, y: 0 }, ey: { x: 0, y: 1 } }), CROP, false, ref, 0);
  const q = { x: 40.25, y: 52.5 }; // somewhere the network might answer, crop pixels
  const refPoint = fromCrop(cropFrame(p, step, { ex: { x: 1, y: 0 }, ey: { x: 0, y: 1 } }), CROP, q.x, q.y);
  for (const rotation of [0, 90, 180, 270] as const) {
    for (const mirrored of [false, true]) {
      const o: Orientation = { rotation, mirrored, inverted: false };
      // the stored film: each upright pixel put where toStored sends it
      const { width: sw, height: sh } = uprightSize(o, uw, uh);
      const stored = new Uint8Array(uw * uh);
      for (let y = 0; y < uh; y++) {
        for (let x = 0; x < uw; x++) {
          const s = toStored(o, { x, y }, uw, uh);
          stored[s.y * sw + s.x] = upright[y * uw + x];
        }
      }
      // as detector.ts straightens: a turn with its mirror, or a plain mirror as the model's flip
      const flip = rotation === 0 && mirrored;
      const axes = storedAxes(o, flip, sw, sh);
      const f = cropFrame(toStored(o, p, uw, uh), step, axes);
      const got = new Float32Array(CROP * CROP);
      sampleCrop(stored, sw, sh, f, CROP, false, got, 0);
      let max = 0;
      for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - ref[i]));
      assert.ok(max <= 1e-3, `${rotation} deg${mirrored ? ' mirrored' : ''}: crops differ by ${max}`);
      const back = fromCrop(f, CROP, q.x, q.y);
      const expected = toStored(o, refPoint, uw, uh);
      assert.ok(Math.hypot(back.x - expected.x, back.y - expected.y) < 1e-9, `${rotation} deg${mirrored ? ' mirrored' : ''}: point maps to ${back.x}, ${back.y}`);
    }
  }
});

test('a negative film is cropped as its positive, its padding still black', () => {
  const w = 50, h = 40;
  const img = testImage(w, h);
  const neg = img.map((v) => 255 - v);
  const f = cropFrame({ x: 3, y: 20 }, 1.1, { ex: { x: 1, y: 0 }, ey: { x: 0, y: 1 } });
  const a = new Float32Array(CROP * CROP);
  const b = new Float32Array(CROP * CROP);
  sampleCrop(img, w, h, f, CROP, false, a, 0);
  sampleCrop(neg, w, h, f, CROP, true, b, 0);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  assert.ok(max <= 1e-3, `differ by ${max}`);
  assert.equal(b[0], 0);
});
