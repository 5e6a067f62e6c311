// The stated uncertainty carries information: the ensemble's members' own peaks and centroids come
// out of the shipped graph and agree with the combined point on a clear image, and a degraded film
// gets wider radii than the same film sharp. Real images, the real model.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { importImage } from '../../src-main/imaging/import.js';
import { detect } from '../../src-main/inference/detector.js';
import { loadModel } from '../../src-main/inference/model.js';
import { trace } from '../../src-main/inference/trace.js';
import { ISBI } from '../helpers/cli.js';

test("the shipped ensemble gives each member's peak and centroid, near the combined point", async () => {
  const model = await loadModel();
  try {
    assert.ok(model.card.ensemble, 'the shipped model is an ensemble');
    // one pass, so that the points are the ones of this very output (162 would be reframed)
    model.card.input.reframe = undefined;
    const img = await importImage(path.join(ISBI, 'images', '162.jpg'));
    const out = await model.run((await import('../../src-main/inference/detector.js')).preprocess(img, model.card, false).input, 1);
    const m = model.card.ensemble!.members.length;
    assert.equal(out.memberPeaks?.length, m);
    assert.equal(out.memberCentroids?.length, m);
    const det = await detect(model, img);
    const w = model.card.output.width;
    const stride = model.card.codec.stride;
    let near = 0;
    det.modelFrame.points.forEach((p, k) => {
      const cx = out.memberCentroids!.reduce((s, row) => s + row[k].x, 0) / m;
      const cy = out.memberCentroids!.reduce((s, row) => s + row[k].y, 0) / m;
      if (Math.hypot(cx - p.x, cy - p.y) < 2) near++;
      for (const row of out.memberPeaks!) {
        const px = (row[k] % w) * stride;
        const py = Math.floor(row[k] / w) * stride;
        assert.ok(Math.hypot(px - p.x, py - p.y) < 40, `member peak of landmark ${k} far from the combined point`);
      }
    });
    assert.ok(near >= 15, `only ${near} of 19 landmarks have their members' mean centroid within 2 input px`);
  } finally {
    await model.close();
  }
});

test('a heavily blurred copy of a film is given wider radii than the film itself', async () => {
  const model = await loadModel();
  try {
    const file = path.join(ISBI, 'images', '171.jpg');
    const sharpImg = await importImage(file);
    const degraded = await sharp(sharpImg.pixels, { raw: { width: sharpImg.width, height: sharpImg.height, channels: 1 } })
      .blur(25)
      .toColourspace('b-w')
      .raw()
      .toBuffer();
    const a = await trace(model, sharpImg, { spacing: { rowMm: 0.1, colMm: 0.1 } });
    const b = await trace(model, { ...sharpImg, pixels: new Uint8Array(degraded) }, { spacing: { rowMm: 0.1, colMm: 0.1 } });
    const mean = (t: typeof a) => t.landmarks.reduce((s, l) => s + l.uncertaintyMm!, 0) / t.landmarks.length;
    assert.ok(mean(a) > 0.5 && mean(a) < 5, `radius ${mean(a)} mm on a clear ISBI film`);
    assert.ok(mean(b) > 1.3 * mean(a), `blurred: ${mean(b).toFixed(2)} mm, sharp: ${mean(a).toFixed(2)} mm`);
    console.log(`radii: sharp ${mean(a).toFixed(2)} mm, blurred ${mean(b).toFixed(2)} mm; flags ${a.landmarks.filter((l) => l.flagged).length} -> ${b.landmarks.filter((l) => l.flagged).length}`);
    assert.ok(b.landmarks.filter((l) => l.flagged).length > a.landmarks.filter((l) => l.flagged).length, 'more flags on the blurred copy');
  } finally {
    await model.close();
  }
});
