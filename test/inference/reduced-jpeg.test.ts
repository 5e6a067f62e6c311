// The model path's reduced JPEG decode (imaging/raster/jpeg-reduced.ts): same description as a
// full import, the right geometry, and the full decode wherever it does not apply.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { importImage } from '../../src-main/imaging/import.js';
import { jpegShrinkOnLoad } from '../../src-main/imaging/raster/jpeg-reduced.js';
import { detect } from '../../src-main/inference/detector.js';
import { loadModel, type LoadedModel } from '../../src-main/inference/model.js';
import { readForModel } from '../../src-main/inference/read-for-model.js';

const ISBI = path.resolve(import.meta.dirname, '../../../shared/data/isbi2015/images');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-reduced-'));
let model: LoadedModel;

before(async () => {
  model = await loadModel({ provider: 'cpu' });
  assert.equal(model.card.input.jpeg_reduce, 'dct-lanczos3', 'the shipped card allows the reduced JPEG decode');
});
after(async () => {
  await model.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("the shrink-on-load factor follows sharp's rule", () => {
  // ISBI 1935 x 2400 into 413 x 512: ratio 4.69, whose integer part is 4, so 2 rather than 4
  assert.equal(jpegShrinkOnLoad(1935, 2400, 413, 512), 2);
  assert.equal(jpegShrinkOnLoad(4000, 4000, 400, 400), 8);
  assert.equal(jpegShrinkOnLoad(4000, 4000, 700, 700), 4);
  assert.equal(jpegShrinkOnLoad(1000, 1000, 250, 250), 2);
  assert.equal(jpegShrinkOnLoad(800, 800, 500, 500), 1);
});

test('a reduced read describes the image exactly as a full import does', async () => {
  const file = path.join(ISBI, '151.jpg');
  const full = await importImage(file);
  const reduced = await readForModel(file, model.card);
  assert.ok(reduced.reduced && !reduced.pixels, 'an ISBI JPEG is read reduced');
  assert.deepEqual([reduced.reduced.width, reduced.reduced.height], [413, 512]);
  // libvips' 1/2-scale decode drops the odd last column
  assert.deepEqual(reduced.reduced.span, { width: 1934, height: 2400 });
  const { pixels: _p, ...fullMeta } = full;
  const { reduced: _r, ...reducedMeta } = reduced;
  assert.deepEqual(reducedMeta, fullMeta);
});

test('reduced and full reads give the same landmarks but for resampling noise: no offset between them', async () => {
  // a geometry slip (e.g. mapping 413 columns onto 1935 source columns when they came from 1934)
  // shows as a systematic shift: 0.65 px in x before it was fixed
  let sx = 0, sy = 0, n = 0;
  const dists: number[] = [];
  for (const id of ['151', '160', '175', '190', '205', '230']) {
    const file = path.join(ISBI, `${id}.jpg`);
    const a = (await detect(model, await importImage(file))).landmarks;
    const b = (await detect(model, await readForModel(file, model.card))).landmarks;
    a.forEach((p, k) => {
      sx += b[k].x - p.x;
      sy += b[k].y - p.y;
      n++;
      dists.push(Math.hypot(b[k].x - p.x, b[k].y - p.y));
    });
  }
  dists.sort((p, q) => p - q);
  const median = dists[dists.length >> 1];
  console.log(`reduced - full: mean dx ${(sx / n).toFixed(3)} px, mean dy ${(sy / n).toFixed(3)} px, median distance ${median.toFixed(2)} px`);
  assert.ok(Math.abs(sx / n) < 0.3 && Math.abs(sy / n) < 0.3, `systematic offset (${(sx / n).toFixed(2)}, ${(sy / n).toFixed(2)}) px`);
  assert.ok(median < 1.5, `median distance ${median.toFixed(2)} px`);
});

test('facing left, the reduced read mirrors back onto the right source columns', async () => {
  // the image turned around and marked facing left must give the original's points turned around
  const file = path.join(ISBI, '151.jpg');
  const flopped = path.join(tmp, 'flopped.jpg');
  await sharp(file).flop().jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toFile(flopped);
  const ref = (await detect(model, await readForModel(file, model.card))).landmarks;
  const img = await readForModel(flopped, model.card);
  assert.ok(img.reduced);
  const got = (await detect(model, img, { facingLeft: true })).landmarks;
  let sx = 0;
  got.forEach((p, k) => (sx += p.x - (1935 - 1 - ref[k].x)));
  // re-encoding and block alignment change pixels, not where things are
  assert.ok(Math.abs(sx / got.length) < 0.5, `mean x offset ${(sx / got.length).toFixed(2)} px`);
});

test('where the reduced decode does not apply, the model path decodes in full', async () => {
  const src = path.join(ISBI, '151.jpg');
  const cases: [string, Buffer][] = [
    // EXIF rotation: sharp would turn the image before shrinking, so no shrink on load
    ['rotated.jpg', await sharp(src).jpeg().withMetadata({ orientation: 6 }).toBuffer()],
    ['cmyk.jpg', await sharp(src).resize(1000).toColourspace('cmyk').jpeg().toBuffer()],
    // smaller than twice the model input: nothing to shrink on load
    ['small.jpg', await sharp(src).resize(600).jpeg().toBuffer()],
    ['png.png', await sharp(src).resize(1000).png().toBuffer()],
  ];
  for (const [name, bytes] of cases) {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, bytes);
    const img = await readForModel(p, model.card);
    assert.ok(img.pixels && !img.reduced, `${name} decoded in full`);
    const full = await importImage(p);
    assert.deepEqual([img.width, img.height], [full.width, full.height]);
    assert.equal((await detect(model, img)).landmarks.length, 19);
  }
});
