// The model path's reduced reads (imaging/raster/jpeg-reduced.ts for JPEG, imaging/dicom/
// reduced-frame.ts for JPEG 2000 and JPEG DICOM): same description as a full import, the right geometry,
// and the full decode wherever they do not apply.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { importImage } from '../../src-main/imaging/import.js';
import { decodeJpegReduced, jpegDctScale, jpegShrinkOnLoad } from '../../src-main/imaging/raster/jpeg-reduced.js';
import { readRasterHeader } from '../../src-main/imaging/raster/import-raster.js';
import { resolveLimits } from '../../src-main/imaging/limits.js';
import { currentVersion } from '../../src-main/imaging/read-file.js';
import { jpeg2000Levels } from '../../src-main/imaging/codecs/openjpeg.js';
import type { DecodedImage, ModelReadyImage } from '../../src-main/imaging/types.js';
import { dicomFile, ISBI_DIR as ISBI, tempDir } from '../imaging/helpers/paths.js';
import { j2kDicom, encodeJ2k, jpegDicom } from '../imaging/helpers/compressed-dicom.js';
import { detect } from '../../src-main/inference/detector.js';
import { loadModel, type LoadedModel } from '../../src-main/inference/model.js';
import { readForModel } from '../../src-main/inference/read-for-model.js';

const tmp = tempDir('reduced');
let model: LoadedModel;

const decoded = new Map<string, Promise<DecodedImage>>();
/** An ISBI image decoded in full, once per test file. */
function isbiImage(id: string): Promise<DecodedImage> {
  if (!decoded.has(id)) decoded.set(id, importImage(path.join(ISBI, `${id}.jpg`)));
  return decoded.get(id)!;
}

let plainJ2k: Promise<string> | undefined;
/** 151 as a lossless JPEG 2000 DICOM (5 levels), written once per test file. */
function j2kOf151(): Promise<string> {
  plainJ2k ??= isbiImage('151').then(async (src) => {
    const file = path.join(tmp, 'plain-151-j2k.dcm');
    fs.writeFileSync(file, await j2kDicom(src.pixels, src.width, src.height));
    return file;
  });
  return plainJ2k;
}

/** A reduced read must describe the image exactly as the full import does. */
function assertSameDescription(full: ModelReadyImage, reduced: ModelReadyImage): void {
  const { pixels: _p, ...fullMeta } = full;
  const { reduced: _r, ...reducedMeta } = reduced;
  assert.deepEqual(reducedMeta, fullMeta);
}

before(async () => {
  model = await loadModel({ provider: 'cpu' });
  assert.ok(model.card.input.reduced_decode?.includes('jpeg-dct-lanczos3'), 'the shipped card allows the reduced JPEG decode');
  assert.ok(model.card.input.reduced_decode?.includes('jpeg2000-lowpass-area'), 'the shipped card allows the reduced JPEG 2000 decode');
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

test('from a file, the DCT scale is the largest whose cropped output still covers the letterbox', () => {
  assert.equal(jpegDctScale(1935, 2400, 413, 512), 4, 'ISBI: 483 x 600 at 1/4');
  assert.equal(jpegDctScale(1935, 2400, 484, 512), 2, '1935 / 4 is cropped to 483 columns, one short');
  assert.equal(jpegDctScale(4000, 4000, 500, 500), 8);
  assert.equal(jpegDctScale(800, 800, 500, 500), 1);
});

test('a JPEG file is decoded at 1/4 from the file itself, or from the bytes in hand where the file has changed since', async () => {
  // the file's name holds brackets, which libvips' filename options must not trip over
  const file = path.join(tmp, 'scan [2] (copy].jpg');
  fs.copyFileSync(path.join(ISBI, '151.jpg'), file);
  const bytes = fs.readFileSync(file);
  const header = await readRasterHeader(bytes, 'jpeg');
  const limits = resolveLimits();
  const version = (await currentVersion(file))!;
  const quarter = await decodeJpegReduced(bytes, header, 413, 512, limits, { path: file, version });
  assert.deepEqual(quarter?.span, { x0: 0, y0: 0, width: 1932, height: 2400 }, '1/4 scale: 483 columns');
  // a version that no longer matches: the pixels must come from the bytes that were hashed
  const stale = await decodeJpegReduced(bytes, header, 413, 512, limits, { path: file, version: { ...version, mtimeMs: version.mtimeMs - 1000 } });
  assert.deepEqual(stale?.span, { x0: 0, y0: 0, width: 1934, height: 2400 }, 'from the bytes: sharp decodes at 1/2');
  // the file gone: the same
  fs.rmSync(file);
  const gone = await decodeJpegReduced(bytes, header, 413, 512, limits, { path: file, version });
  assert.deepEqual(gone?.span, { x0: 0, y0: 0, width: 1934, height: 2400 });
  // both reads are the same picture, a resampling apart
  let diff = 0;
  for (let i = 0; i < quarter!.pixels.length; i++) diff += Math.abs(quarter!.pixels[i] - stale!.pixels[i]);
  assert.ok(diff / quarter!.pixels.length < 3, `mean absolute difference ${(diff / quarter!.pixels.length).toFixed(2)} grey levels`);
});

test('a reduced read describes the image exactly as a full import does', async () => {
  const full = await isbiImage('151');
  const reduced = await readForModel(path.join(ISBI, '151.jpg'), model.card);
  assert.ok(reduced.reduced && !reduced.pixels, 'an ISBI JPEG is read reduced');
  assert.deepEqual([reduced.reduced.width, reduced.reduced.height], [413, 512]);
  // the 1/4-scale decode drops the last partial block: 483 columns, from 1932 source columns
  assert.deepEqual(reduced.reduced.span, { x0: 0, y0: 0, width: 1932, height: 2400 });
  assert.equal(reduced.reduced.read, 'jpeg-dct-grey-area');
  assertSameDescription(full, reduced);
});

/** Mean signed offset (reduced - full) and median distance between two reads' landmarks, in px. */
async function compareReads(pairs: [ModelReadyImage, ModelReadyImage][]) {
  let sx = 0, sy = 0, n = 0;
  const dists: number[] = [];
  for (const [full, reduced] of pairs) {
    // the second stage's crops cut from the same read for both, so that only the reads compared differ
    const crops = { readForCrops: async () => full };
    const a = (await detect(model, full, crops)).landmarks;
    const b = (await detect(model, reduced, crops)).landmarks;
    a.forEach((p, k) => {
      sx += b[k].x - p.x;
      sy += b[k].y - p.y;
      n++;
      dists.push(Math.hypot(b[k].x - p.x, b[k].y - p.y));
    });
  }
  dists.sort((p, q) => p - q);
  return { dx: sx / n, dy: sy / n, median: dists[dists.length >> 1] };
}

test('reduced and full reads give the same landmarks but for resampling noise: no offset between them', async () => {
  // a geometry slip (e.g. mapping 413 columns onto 1935 source columns when they came from 1934)
  // shows as a systematic shift: 0.65 px in x before it was fixed
  const pairs: [ModelReadyImage, ModelReadyImage][] = [];
  for (const id of ['151', '160', '175', '190', '205', '230']) {
    pairs.push([await isbiImage(id), await readForModel(path.join(ISBI, `${id}.jpg`), model.card)]);
  }
  assertNoOffset('JPEG', await compareReads(pairs), 0.3);

  // a one-channel JPEG file takes the grey branch of the 1/4 read
  const greyPairs: [ModelReadyImage, ModelReadyImage][] = [];
  for (const id of ['151', '175', '205']) {
    const file = path.join(tmp, `${id}-grey.jpg`);
    await sharp(path.join(ISBI, `${id}.jpg`)).toColourspace('b-w').jpeg({ quality: 95 }).toFile(file);
    const reduced = await readForModel(file, model.card);
    assert.ok(reduced.reduced && reduced.photometric === 'MONOCHROME2');
    assert.deepEqual(reduced.reduced.span, { x0: 0, y0: 0, width: 1932, height: 2400 });
    greyPairs.push([await importImage(file), reduced]);
  }
  assertNoOffset('grey JPEG', await compareReads(greyPairs), 0.3);
});

/** Three test1 images as DICOMs made by `encode`, each read in full and reduced; the reduced read
 *  must have `span` and describe the image exactly as the full import does. */
async function dicomReadPairs(name: string, encode: (grey: Uint8Array, w: number, h: number) => Promise<Uint8Array>, span: object, checkFull?: (full: ModelReadyImage, src: ModelReadyImage) => void) {
  const pairs: [ModelReadyImage, ModelReadyImage][] = [];
  for (const id of ['151', '175', '205']) {
    const src = await isbiImage(id);
    const file = path.join(tmp, `${id}-${name}.dcm`);
    fs.writeFileSync(file, await encode(src.pixels, src.width, src.height));
    const full = await importImage(file);
    checkFull?.(full, src);
    const reduced = await readForModel(file, model.card);
    assert.ok(reduced.reduced && !reduced.pixels, 'read reduced');
    assert.deepEqual([reduced.reduced.width, reduced.reduced.height], [413, 512]);
    assert.deepEqual(reduced.reduced.span, span);
    assertSameDescription(full, reduced);
    pairs.push([full, reduced]);
  }
  return pairs;
}

function assertNoOffset(label: string, { dx, dy, median }: Awaited<ReturnType<typeof compareReads>>, limit: number): void {
  console.log(`${label} reduced - full: mean dx ${dx.toFixed(3)} px, mean dy ${dy.toFixed(3)} px, median distance ${median.toFixed(2)} px`);
  assert.ok(Math.abs(dx) < limit && Math.abs(dy) < limit, `systematic offset (${dx.toFixed(2)}, ${dy.toFixed(2)}) px`);
  assert.ok(median < 1.5, `median distance ${median.toFixed(2)} px`);
}

test('a JPEG 2000 DICOM is read down to the low-pass band the letterbox needs, in the right place', async () => {
  // two levels down: 484 x 600 samples, sample i on source pixel 4i
  const pairs = await dicomReadPairs('j2k', (g, w, h) => j2kDicom(g, w, h), { x0: -1.5, y0: -1.5, width: 1936, height: 2400 }, (full, src) =>
    assert.deepEqual(full.pixels, src.pixels, 'lossless'),
  );
  assertNoOffset('JPEG 2000', await compareReads(pairs), 0.4);
});

test('a grey baseline JPEG DICOM is read at reduced scale too, through the DICOM grey chain', async () => {
  // natively at 1/4 (the frame is in memory: sharp's own rule would take 1/2, span 1934)
  const pairs = await dicomReadPairs('jpeg', (g, w, h) => jpegDicom(g, w, h), { x0: 0, y0: 0, width: 1932, height: 2400 });
  for (const [, reduced] of pairs) assert.equal(reduced.reduced?.read, 'jpeg-dct-grey-area');
  assertNoOffset('JPEG DICOM', await compareReads(pairs), 0.4);

  // stored inverted as MONOCHROME1: the reduced read must invert it back like the full one
  const src = await isbiImage('151');
  const inverted = src.pixels.map((v) => 255 - v);
  const mono1 = path.join(tmp, 'mono1-jpeg.dcm');
  fs.writeFileSync(mono1, await jpegDicom(inverted, src.width, src.height, { photometric: 'MONOCHROME1' }));
  const r1 = await readForModel(mono1, model.card);
  assert.ok(r1.reduced);
  const { median: m1 } = await compareReads([[pairs[0][1], r1]]);
  assert.ok(m1 < 1.5, `MONOCHROME1 read reduced lands ${m1.toFixed(2)} px from MONOCHROME2`);
});

test('the JPEG 2000 levels come from the codestream; fewer levels mean a smaller reduction', async () => {
  const src = await isbiImage('151');
  assert.equal(jpeg2000Levels(await encodeJ2k(src.pixels, src.width, src.height, 5)), 5);
  assert.equal(jpeg2000Levels(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0])), undefined, 'not a codestream');
  const one = path.join(tmp, 'one-level.dcm');
  fs.writeFileSync(one, await j2kDicom(src.pixels, src.width, src.height, { decompositions: 1 }));
  const r = await readForModel(one, model.card);
  assert.ok(r.reduced);
  assert.deepEqual(r.reduced.span, { x0: -0.5, y0: -0.5, width: 1936, height: 2400 });
  const none = path.join(tmp, 'no-levels.dcm');
  fs.writeFileSync(none, await j2kDicom(src.pixels, src.width, src.height, { decompositions: 0 }));
  const f = await readForModel(none, model.card);
  assert.ok(f.pixels && !f.reduced, 'no wavelet levels: decoded in full');
  // the real JPEG 2000 sample: 12-bit, 2000 x 2128, windowed from its percentiles
  const chest = await readForModel(dicomFile('dx-chest-j2k-lossless.dcm'), model.card);
  assert.ok(chest.reduced);
  assert.deepEqual(chest.reduced.span, { x0: -1.5, y0: -1.5, width: 2000, height: 2128 });
  assert.equal((await detect(model, chest)).landmarks.length, 19);
});

test('facing left, a reduced read mirrors back onto the right source columns', async () => {
  // the image turned around and marked facing left must give the original's points turned around;
  // re-encoding and block or wavelet alignment change pixels, not where things are
  const file = path.join(ISBI, '151.jpg');
  const src = await isbiImage('151');
  const flopped = await sharp(file).flop().greyscale().raw().toBuffer();
  const pairs: [string, string, string][] = [
    ['JPEG', file, path.join(tmp, 'flopped.jpg')],
    ['JPEG 2000', await j2kOf151(), path.join(tmp, 'flopped-j2k.dcm')],
  ];
  await sharp(file).flop().jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toFile(pairs[0][2]);
  fs.writeFileSync(pairs[1][2], await j2kDicom(new Uint8Array(flopped), src.width, src.height));
  for (const [kind, plain, turned] of pairs) {
    const ref = (await detect(model, await readForModel(plain, model.card))).landmarks;
    const img = await readForModel(turned, model.card);
    assert.ok(img.reduced, `${kind} read reduced`);
    const got = (await detect(model, img, { facingLeft: true })).landmarks;
    let sx = 0;
    got.forEach((p, k) => (sx += p.x - (src.width - 1 - ref[k].x)));
    assert.ok(Math.abs(sx / got.length) < 0.5, `${kind}: mean x offset ${(sx / got.length).toFixed(2)} px`);
  }
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
  // a card that does not list a reduced read gets the full decode
  const card = { ...model.card, input: { ...model.card.input, reduced_decode: ['jpeg-dct-lanczos3' as const] } };
  const full = await readForModel(await j2kOf151(), card);
  assert.ok(full.pixels && !full.reduced, 'JPEG 2000 decoded in full when the card does not allow the reduced read');
  assert.ok((await readForModel(path.join(ISBI, '151.jpg'), { ...card, input: { ...card.input, reduced_decode: undefined } })).pixels, 'and JPEG too');
});
