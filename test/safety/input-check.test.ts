// Is this a lateral cephalogram? Real non-cephalograms (the chest, hip and OT DICOMs of ../shared)
// and made ones (blank, noise, a page of text, a photo-like scene) are refused; real cephalograms
// from ISBI and another centre, as files and re-encoded as DICOMs, pass. The real model decides.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { importImage } from '../../src-main/imaging/import.js';
import { loadModel } from '../../src-main/inference/model.js';
import { traceFile } from '../../src-main/inference/trace.js';
import { cli, DICOM, ISBI, SHARED } from '../helpers/cli.js';
import { j2kDicom, jpegDicom } from '../imaging/helpers/compressed-dicom.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-inputcheck-'));

/** Made images that are not cephalograms, 1000 x 1200 grey PNGs. */
async function madeNegatives(): Promise<string[]> {
  const w = 1000;
  const h = 1200;
  const rnd = (() => {
    let s = 12345;
    return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  })();
  const images: Record<string, (x: number, y: number) => number> = {
    blank: () => 128,
    noise: () => rnd() * 255,
    // a page of text: dark word blocks on white lines
    text: (x, y) => (y % 40 < 18 && x > 80 && x < 920 && Math.floor(x / 37) % 5 !== 0 && Math.sin(x * 0.9) > -0.6 ? 30 : 235),
    // a photo-like scene: sky gradient, a sun, hills and a house
    photo: (x, y) => {
      if ((x - 700) ** 2 + (y - 250) ** 2 < 90 ** 2) return 250;
      if (y > 700 + 80 * Math.sin(x / 150)) return 60 + 30 * Math.sin(x / 23) * Math.cos(y / 31);
      if (x > 200 && x < 450 && y > 500 && y < 760) return 170;
      return 200 - y / 8;
    },
  };
  const files: string[] = [];
  for (const [name, f] of Object.entries(images)) {
    const px = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = Math.max(0, Math.min(255, f(x, y)));
    const file = path.join(tmp, `${name}.png`);
    await sharp(px, { raw: { width: w, height: h, channels: 1 } }).png().toFile(file);
    files.push(file);
  }
  return files;
}

async function cephalogramDicoms(): Promise<string[]> {
  const src = await importImage(path.join(ISBI, 'images', '170.jpg'));
  const j2k = path.join(tmp, '170-j2k.dcm');
  fs.writeFileSync(j2k, await j2kDicom(src.pixels, src.width, src.height));
  const jpeg = path.join(tmp, '170-jpeg.dcm');
  fs.writeFileSync(jpeg, await jpegDicom(src.pixels, src.width, src.height));
  const inverted = path.join(tmp, '170-mono1.dcm');
  // a film stored MONOCHROME1 shows (and is read) the right way round
  fs.writeFileSync(inverted, await jpegDicom(src.pixels.map((v) => 255 - v), src.width, src.height, { photometric: 'MONOCHROME1' }));
  return [j2k, jpeg, inverted];
}

test('non-cephalograms are refused, cephalograms from two centres and as DICOMs pass', async () => {
  const negatives = [...['dx-chest-j2k-lossless.dcm', 'cr-hip-jpeg-lossless.dcm', 'cr-hip-jpeg-lossy.dcm', 'ot-uncompressed-8bit.dcm'].map((f) => path.join(DICOM, f)), ...(await madeNegatives())];
  const positives = [
    ...['151.jpg', '210.jpg', '299.jpg', '001.jpg'].map((f) => path.join(ISBI, 'images', f)),
    ...['001.tif', '068.tif', '149.tif'].map((f) => path.join(SHARED, 'hamedan-dev', 'images', f)),
    ...(await cephalogramDicoms()),
  ];
  const model = await loadModel();
  const verdict = async (file: string) => {
    return (await traceFile(model, file)).tracing.check;
  };
  try {
    for (const f of negatives) {
      const c = await verdict(f);
      assert.equal(c.isCephalogram, false, `${path.basename(f)} passed as a cephalogram (shape D2 ${c.shapeD2}, confidence ${c.meanConfidence})`);
      assert.match(c.warnings.find((w) => w.code === 'not_cephalogram')?.message ?? '', /does not look like a lateral cephalogram/);
      assert.ok(!c.warnings.some((w) => w.code === 'reoriented'), 'no orientation story about a chest film');
    }
    for (const f of positives) {
      const c = await verdict(f);
      assert.equal(c.isCephalogram, true, `${path.basename(f)} refused (shape D2 ${c.shapeD2}, confidence ${c.meanConfidence})`);
      assert.equal(c.orientation.rotation + Number(c.orientation.mirrored) + Number(c.orientation.inverted), 0, `${path.basename(f)}: ${c.orientation.description}`);
    }
  } finally {
    await model.close();
  }
});

test('detect --format json carries the check and per-landmark uncertainty and flags', () => {
  const r = cli(['detect', path.join(DICOM, 'cr-hip-jpeg-lossy.dcm'), path.join(ISBI, 'images', '151.jpg')]);
  assert.equal(r.status, 0, r.stderr);
  const [hip, ceph] = JSON.parse(r.stdout);
  assert.equal(hip.check.isCephalogram, false);
  assert.match(r.stderr, /cr-hip-jpeg-lossy.dcm: does not look like a lateral cephalogram/);
  assert.equal(ceph.check.isCephalogram, true);
  assert.deepEqual(
    { mirrored: ceph.check.orientation.mirrored, rotation: ceph.check.orientation.rotation, inverted: ceph.check.orientation.inverted },
    { mirrored: false, rotation: 0, inverted: false },
  );
  assert.ok(Array.isArray(ceph.check.warnings));
  for (const l of ceph.landmarks) {
    assert.equal(typeof l.flagged, 'boolean');
    // ISBI's JPEGs carry no spacing: the radius is in pixels only
    assert.ok(l.uncertaintyPx > 0 && l.uncertaintyPx < 200, `${l.id}: ${l.uncertaintyPx} px`);
    assert.equal(l.uncertaintyMm, undefined);
  }
  const hipMm = hip.landmarks.map((l: { uncertaintyMm: number }) => l.uncertaintyMm);
  assert.ok(hipMm.every((v: number) => v > 0), 'a DICOM with spacing gets radii in mm');
});
