// The app's preprocessing and heatmap decoding match the Python code the model was evaluated with.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { decodeHeatmaps } from '../../src-main/inference/codec.js';
import { Letterbox } from '../../src-main/inference/letterbox.js';
import { reframeFor, skullFrame, unwarpPoint, warpInput, type FramingTarget } from '../../src-main/inference/framing.js';
import { runPython } from '../helpers/python.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-parity-'));

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

test('letterbox resampling equals training/preprocess.py', () => {
  const r = rng(7);
  for (const [sw, sh, dw, dh] of [
    [1935, 2400, 416, 512],
    [2000, 2128, 416, 512],
    [640, 300, 416, 512],
  ]) {
    const grey = new Uint8Array(sw * sh);
    for (let i = 0; i < grey.length; i++) grey[i] = Math.floor(r() * 256);
    const inPath = path.join(tmp, 'grey.u8');
    const outPath = path.join(tmp, 'lb.f32');
    fs.writeFileSync(inPath, grey);
    runPython(['-m', 'training.parity_dump', 'letterbox', inPath, String(sw), String(sh), String(dw), String(dh), outPath]);
    const py = new Float32Array(fs.readFileSync(outPath).buffer.slice(0));
    const ts = new Letterbox(sw, sh, dw, dh).apply(grey);
    assert.equal(ts.length, py.length);
    let max = 0;
    for (let i = 0; i < ts.length; i++) max = Math.max(max, Math.abs(ts[i] - py[i]));
    assert.ok(max <= 1e-3, `${sw}x${sh}: max difference ${max}`);
  }
});

test('point mapping round-trips through the letterbox', () => {
  const box = new Letterbox(1935, 2400, 416, 512);
  const p = { x: 812.25, y: 1402.75 };
  const back = box.toSource(box.toInput(p));
  assert.ok(Math.abs(back.x - p.x) < 1e-9 && Math.abs(back.y - p.y) < 1e-9);
});

test('heatmap decoding equals training/codec.py within 0.05 px', () => {
  const k = 19, h = 64, w = 52, stride = 2, sigma = 2;
  const r = rng(11);
  const logits = new Float32Array(k * h * w);
  for (let c = 0; c < k; c++) {
    // a peaked log-density with noise, the peak anywhere including the border
    const cx = r() * (w - 1), cy = r() * (h - 1), s = 1 + r() * 3;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        logits[c * h * w + y * w + x] = -((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s) + (r() - 0.5) * 0.2;
  }
  const inPath = path.join(tmp, 'logits.f32');
  const outPath = path.join(tmp, 'dec.json');
  fs.writeFileSync(inPath, Buffer.from(logits.buffer));
  runPython(['-m', 'training.parity_dump', 'decode', inPath, String(k), String(h), String(w), String(stride), String(sigma), outPath]);
  const py = JSON.parse(fs.readFileSync(outPath, 'utf8')) as { points: number[][]; confidence: number[] };
  const codec = { name: 'gaussian-softmax-newton' as const, input_size: [h * stride, w * stride] as [number, number], heatmap_size: [h, w] as [number, number], stride, sigma, confidence_radius: 2, refine_clamp: 0.5 };
  const ts = decodeHeatmaps(logits, k, h, w, codec);
  let maxPx = 0, maxConf = 0;
  ts.forEach((p, i) => {
    maxPx = Math.max(maxPx, Math.abs(p.x - py.points[i][0]), Math.abs(p.y - py.points[i][1]));
    maxConf = Math.max(maxConf, Math.abs(p.confidence - py.confidence[i]));
  });
  assert.ok(maxPx <= 0.05, `max point difference ${maxPx} px`);
  assert.ok(maxConf <= 1e-4, `max confidence difference ${maxConf}`);
});

test('reframing (the decision, the warped input, points mapped back) equals training/framing.py', () => {
  const w = 416, h = 512;
  const r = rng(5);
  const input = new Float32Array(w * h);
  for (let i = 0; i < input.length; i++) input[i] = r();
  const target: FramingTarget = { centroid: [264.4, 337.3], size: 94.7, min_log_ratio: 0.1 };
  // a skull 1.25 times the training size, off centre; and one of the training size
  const big = Array.from({ length: 19 }, () => ({ x: 230 + (r() - 0.5) * 300, y: 300 + (r() - 0.5) * 380 }));
  const usual = skullFrame(big);
  const same = big.map((p) => ({ x: usual.centre.x + ((p.x - usual.centre.x) * 94.7) / usual.size, y: usual.centre.y + ((p.y - usual.centre.y) * 94.7) / usual.size }));
  for (const [pts, expectReframe] of [[big, true], [same, false]] as const) {
    const files = ['in.f32', 'pts.json', 'target.json', 'out.f32', 'out.json'].map((f) => path.join(tmp, f));
    fs.writeFileSync(files[0], Buffer.from(input.buffer));
    fs.writeFileSync(files[1], JSON.stringify(pts.map((p) => [p.x, p.y])));
    fs.writeFileSync(files[2], JSON.stringify(target));
    runPython(['-m', 'training.parity_dump', 'reframe', files[0], String(w), String(h), ...files.slice(1)]);
    const py = JSON.parse(fs.readFileSync(files[4], 'utf8')) as { reframe?: null; zoom: number; centre: number[]; back: number[][] };
    const rf = reframeFor(pts, target);
    assert.equal(rf !== undefined, expectReframe);
    if (!rf) {
      assert.equal(py.reframe, null);
      continue;
    }
    assert.ok(Math.abs(rf.zoom - py.zoom) < 1e-12 && Math.abs(rf.centre.x - py.centre[0]) < 1e-9);
    const pyIn = new Float32Array(fs.readFileSync(files[3]).buffer.slice(0));
    const tsIn = warpInput(input, w, h, rf, target, 0);
    let max = 0;
    for (let i = 0; i < tsIn.length; i++) max = Math.max(max, Math.abs(tsIn[i] - pyIn[i]));
    assert.ok(max <= 1e-6, `max warped-input difference ${max}`);
    // part of the reframed input lies outside the first: the padding
    assert.ok(tsIn.some((v) => v === 0));
    pts.forEach((p, i) => {
      const b = unwarpPoint(p, rf, target);
      assert.ok(Math.abs(b.x - py.back[i][0]) < 1e-9 && Math.abs(b.y - py.back[i][1]) < 1e-9);
    });
  }
});

test('a point of the first input lands, reframed, where the warp puts its pixel', () => {
  // a single bright pixel: after the warp its mass centre is where unwarpPoint's inverse sends it
  const w = 416, h = 512;
  const input = new Float32Array(w * h);
  input[300 * w + 200] = 1;
  const target: FramingTarget = { centroid: [264.4, 337.3], size: 94.7, min_log_ratio: 0.1 };
  const rf = { zoom: 1.3, centre: { x: 250, y: 320 } };
  const out = warpInput(input, w, h, rf, target, 0);
  let sx = 0, sy = 0, s = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const v = out[y * w + x]; sx += v * x; sy += v * y; s += v; }
  const q = { x: sx / s, y: sy / s };
  const back = unwarpPoint(q, rf, target);
  // bilinear sampling of a single pixel is exact only to a fraction of a pixel
  assert.ok(Math.hypot(back.x - 200, back.y - 300) < 0.1, `landed at ${back.x}, ${back.y}`);
});
