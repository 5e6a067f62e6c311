// The second stage through the app's own path: the shipped model with and without its refine
// block on real ISBI films (JPEG, read reduced, so the second stage reads them again in full), and
// a film stored mirrored or turned, which must come out where the upright film's points are.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadModel, type LoadedModel } from '../../src-main/inference/model.js';
import { traceFile } from '../../src-main/inference/trace.js';
import { readAnnotations } from '../../src-main/services/isbi-dataset.js';
import { importImage } from '../../src-main/imaging/import.js';
import { toStored, uprightSize, type Orientation } from '../../src-main/inference/orientation.js';
import { ISBI } from '../helpers/cli.js';
import { copyShippedModel } from '../helpers/model-copy.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-refine-model-'));
let withRefine: LoadedModel;
let firstOnly: LoadedModel;

before(async () => {
  withRefine = await loadModel({ threads: 2 });
  const { cardPath } = copyShippedModel(path.join(tmp, 'first-only'), (card) => delete card.refine);
  firstOnly = await loadModel({ cardPath, threads: 2 });
});

after(async () => {
  await withRefine.close();
  await firstOnly.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the shipped card names a second stage, and on test1 films it brings the landmarks it refines closer to the annotators', async () => {
  const spec = withRefine.secondStage?.card;
  assert.ok(spec, 'the shipped card names a second stage');
  assert.equal(firstOnly.secondStage, undefined);
  const refinedIdx = spec.landmarks.map((n) => withRefine.card.landmarks.indexOf(n));
  const gt = readAnnotations(ISBI, 'mean');
  let sumFirst = 0, sumRefined = 0, n = 0;
  for (const id of ['151', '153', '157', '162', '168', '171', '176', '183']) {
    const file = path.join(ISBI, 'images', `${id}.jpg`);
    const a = (await traceFile(firstOnly, file)).tracing;
    const b = (await traceFile(withRefine, file)).tracing;
    assert.equal(a.detection.refined, 0);
    assert.equal(b.detection.refined, spec.landmarks.length, `${id}: the JPEG was read reduced, and again for the second stage`);
    const truth = gt.get(id)!;
    for (const k of refinedIdx) {
      sumFirst += Math.hypot(a.landmarks[k].x - truth[k].x, a.landmarks[k].y - truth[k].y);
      sumRefined += Math.hypot(b.landmarks[k].x - truth[k].x, b.landmarks[k].y - truth[k].y);
      n++;
    }
    // the landmarks it does not refine stay the first stage's
    b.landmarks.forEach((l, k) => {
      if (!refinedIdx.includes(k)) assert.ok(Math.hypot(l.x - a.landmarks[k].x, l.y - a.landmarks[k].y) < 1e-9);
    });
  }
  const first = (sumFirst / n) * 0.1;
  const refined = (sumRefined / n) * 0.1;
  assert.ok(refined < first, `refined ${refined.toFixed(3)} mm, first stage ${first.toFixed(3)} mm`);
});

test('a film stored mirrored, or turned and mirrored, is refined to the upright film\'s points', async () => {
  const img = await importImage(path.join(ISBI, 'images', '151.jpg'));
  const { width: w, height: h, pixels } = img;
  const uprightFile = path.join(tmp, 'upright.png');
  await sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels: 1 } }).png().toFile(uprightFile);
  const up = (await traceFile(withRefine, uprightFile, { orientation: { rotation: 0, mirrored: false, inverted: false } })).tracing;
  for (const o of [{ rotation: 0, mirrored: true, inverted: false }, { rotation: 90, mirrored: true, inverted: false }] as Orientation[]) {
    const { width: sw, height: sh } = uprightSize(o, w, h);
    const stored = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const s = toStored(o, { x, y }, w, h);
        stored[s.y * sw + s.x] = pixels[y * w + x];
      }
    }
    const file = path.join(tmp, `stored-${o.rotation}.png`);
    await sharp(Buffer.from(stored), { raw: { width: sw, height: sh, channels: 1 } }).png().toFile(file);
    const t = (await traceFile(withRefine, file, { orientation: o })).tracing;
    assert.equal(t.detection.refined, up.detection.refined);
    t.landmarks.forEach((l, k) => {
      const expected = toStored(o, up.landmarks[k], w, h);
      assert.ok(Math.hypot(l.x - expected.x, l.y - expected.y) < 0.05, `${o.rotation} deg mirrored, ${l.id}: ${l.x.toFixed(2)}, ${l.y.toFixed(2)} vs ${expected.x.toFixed(2)}, ${expected.y.toFixed(2)}`);
    });
  }
});

test('crops cut from a half-resolution read (a JPEG at half DCT scale) land where full-resolution crops do, with no offset', async () => {
  const { readForCrops, readForModel } = await import('../../src-main/inference/read-for-model.js');
  const { detect } = await import('../../src-main/inference/detector.js');
  const spec = withRefine.secondStage!.card;
  const refinedIdx = spec.landmarks.map((n) => withRefine.card.landmarks.indexOf(n));
  let sx = 0, sy = 0, sd = 0, n = 0;
  for (const id of ['151', '160', '170']) {
    const file = path.join(ISBI, 'images', `${id}.jpg`);
    const img = await readForModel(file, withRefine.card);
    const full = await importImage(file);
    let asked = 0;
    const half = await detect(withRefine, img, {
      readForCrops: async (px) => {
        asked = px;
        return readForCrops(file, withRefine.card, px);
      },
    });
    // an ISBI film: ~1.56 source px per crop px, so a read of 2 source px per pixel is allowed
    assert.ok(asked >= 2 && asked < 2.6, `coarsest read asked ${asked}`);
    const halfRead = await readForCrops(file, withRefine.card, asked);
    assert.ok(halfRead.reduced && Math.abs(halfRead.reduced.span.width / halfRead.reduced.width - 2) < 0.01, 'read at half scale');
    const ref = await detect(withRefine, img, { readForCrops: async () => full });
    for (const k of refinedIdx) {
      sx += half.landmarks[k].x - ref.landmarks[k].x;
      sy += half.landmarks[k].y - ref.landmarks[k].y;
      sd += Math.hypot(half.landmarks[k].x - ref.landmarks[k].x, half.landmarks[k].y - ref.landmarks[k].y);
      n++;
    }
  }
  console.log(`half - full read crops: mean dx ${(sx / n).toFixed(3)} px, dy ${(sy / n).toFixed(3)} px, mean distance ${(sd / n).toFixed(3)} px`);
  assert.ok(Math.abs(sx / n) < 0.5 && Math.abs(sy / n) < 0.5, 'no systematic offset');
  assert.ok(sd / n < 3, 'within 0.3 mm on average');
});
