// The app's preprocessing and heatmap decoding match the Python code the model was evaluated with.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { decodeHeatmaps } from '../../src-main/inference/codec.js';
import { Letterbox } from '../../src-main/inference/letterbox.js';
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
