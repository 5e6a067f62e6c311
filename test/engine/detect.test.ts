// detect through the real CLI, real files from ../shared, the real ONNX model in onnxruntime-node.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readAnnotations } from '../../src-main/services/isbi-dataset.js';
import { cli, DICOM, ISBI } from '../helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-detect-'));

test('detect gives 19 landmarks near the annotators on an ISBI test image, JSON on stdout', () => {
  const r = cli(['detect', path.join(ISBI, 'images', '151.jpg')]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  assert.equal(out.landmarks.length, 19);
  assert.equal(out.landmarks[0].id, 'sella');
  const gt = readAnnotations(ISBI, 'mean').get('151')!;
  const errMm = out.landmarks.map((l: { x: number; y: number }, k: number) => Math.hypot(l.x - gt[k].x, l.y - gt[k].y) * 0.1);
  const mre = errMm.reduce((a: number, b: number) => a + b, 0) / errMm.length;
  assert.ok(mre < 3, `MRE on image 151 is ${mre.toFixed(2)} mm`);
  for (const l of out.landmarks) assert.ok(l.confidence > 0 && l.confidence <= 1);
  assert.match(r.stderr, /on CPU|on GPU/);
});

test('a JPEG 2000 DICOM keeps stdout machine-readable and reports spacing in mm', () => {
  const r = cli(['detect', path.join(DICOM, 'dx-chest-j2k-lossless.dcm')]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /\[INFO\]/);
  const out = JSON.parse(r.stdout);
  assert.equal(out.spacing.source, 'PixelSpacing');
  assert.ok(Math.abs(out.spacing.rowMm - 0.16) < 1e-6);
  assert.ok(Math.abs(out.landmarks[0].xMm - out.landmarks[0].x * 0.16) < 1e-9);
});

test('bad files give typed errors and a failing exit code; good ones still come through', () => {
  const text = path.join(tmp, 'notes.dcm');
  fs.writeFileSync(text, 'this is not a DICOM file\n');
  const r = cli(['detect', path.join(DICOM, 'bad-mr-without-rows.dcm'), text, path.join(ISBI, 'images', '152.jpg'), '--format', 'csv']);
  assert.equal(r.status, 1);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'file,is_cephalogram,mirrored,rotation,inverted,warnings,landmark,x,y,confidence,x_mm,y_mm,uncertainty_px,uncertainty_mm,flagged,error');
  assert.ok(lines.some((l) => l.includes('bad-mr-without-rows.dcm') && l.endsWith(',missing_element')));
  assert.ok(lines.some((l) => l.includes('notes.dcm') && l.endsWith(',not_an_image')));
  assert.equal(lines.filter((l) => l.includes('152.jpg')).length, 19);
  assert.match(r.stderr, /Rows \(0028,0010\)/);
});

test('a broken model card is a clear model_invalid error', () => {
  const dir = path.join(tmp, 'models');
  fs.mkdirSync(dir, { recursive: true });
  const src = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'models');
  const card = JSON.parse(fs.readFileSync(path.join(src, 'medsapiens-ceph19.card.json'), 'utf8'));
  fs.copyFileSync(path.join(src, card.file), path.join(dir, card.file));
  delete card.codec.sigma;
  fs.writeFileSync(path.join(dir, 'medsapiens-ceph19.card.json'), JSON.stringify(card));
  const r = cli(['detect', path.join(ISBI, 'images', '151.jpg')], { MEDSAPIENS_MODEL_DIR: dir });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /model_invalid: model card medsapiens-ceph19.card.json is invalid at codec.sigma/);
});
