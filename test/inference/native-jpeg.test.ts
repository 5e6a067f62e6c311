// The native JPEG reader (native/jpeg-reduced through imaging/codecs/native-jpeg.ts): built here by
// scripts/install.sh, the same pixels as libjpeg's scaled decode through sharp, the same area
// average as the TypeScript resampler, damaged streams refused with libjpeg's own reason, and safe
// to run many at once. Through the model path: the card's 'jpeg-dct-grey-area' read, with sharp's
// read where the card or the machine does not allow it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { nativeJpeg, nativeJpegStatus, NativeJpegFailure, type NativeJpeg } from '../../src-main/imaging/codecs/native-jpeg.js';
import { colourToGrey } from '../../src-main/imaging/colour.js';
import { areaResampleInto } from '../../src-main/imaging/resample.js';
import { importImageReduced } from '../../src-main/imaging/import.js';
import { loadModel, type LoadedModel } from '../../src-main/inference/model.js';
import { readForModel } from '../../src-main/inference/read-for-model.js';
import { detect } from '../../src-main/inference/detector.js';
import { AppError } from '../../src-shared/errors.js';
import { ISBI_DIR as ISBI, tempDir } from '../imaging/helpers/paths.js';

const tmp = tempDir('native-jpeg');
/** every ISBI image's size, as the import checks it before decoding */
const SIZE = { width: 1935, height: 2400 };
let jpeg: NativeJpeg;
let model: LoadedModel;

before(async () => {
  const j = nativeJpeg();
  assert.ok(j, `the native JPEG reader must be built on this machine (scripts/install.sh): ${nativeJpegStatus()}`);
  jpeg = j;
  model = await loadModel({ provider: 'cpu' });
});
after(async () => {
  await model.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** libjpeg's 1/f decode through sharp (libvips' shrink-on-load option), reduced to luma as the
 *  app reduces colour. */
async function sharpQuarterLuma(file: string, f: number) {
  const { data, info } = await sharp(`${file}[shrink=${f}]`).raw().toBuffer({ resolveWithObject: true });
  const px = info.channels === 3 ? colourToGrey(new Uint8Array(data), info.width * info.height, 'rgb') : new Uint8Array(data);
  return { width: info.width, height: info.height, pixels: px };
}

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; max: number } {
  assert.equal(a.length, b.length);
  let sum = 0, max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / a.length, max };
}

test("the native reader says which libjpeg it uses", () => {
  assert.match(jpeg.library, /^libjpeg-turbo \d+\.\d+\.\d+$/);
  assert.equal(nativeJpegStatus(), `native JPEG reader: ${jpeg.library}`);
});

test("its scaled luma is libjpeg's scaled decode through sharp, all but a few pixels on ISBI images", async () => {
  for (const id of ['151', '233', '300']) {
    const file = path.join(ISBI, `${id}.jpg`);
    for (const f of [2, 4, 8] as const) {
      const n = await jpeg.decodeGreyScaled(fs.readFileSync(file), f, SIZE);
      const s = await sharpQuarterLuma(file, f);
      // whole scaled pixels only, as libvips crops them: 1935 / 4 -> 483
      assert.deepEqual([n.width, n.height, n.decodedWidth, n.sourceWidth, n.sourceHeight], [s.width, s.height, Math.floor(1935 / f), 1935, 2400]);
      assert.ok(n.pixels instanceof Uint8Array);
      // the images are grey stored as YCbCr colour: luma alone loses nothing. (sharp's libjpeg is
      // mozjpeg, another build: at 1/2 a few pixels of one image, 10 in 1.2 million, differ)
      const differing = n.pixels.filter((v, i) => v !== s.pixels[i]).length;
      assert.ok(differing <= n.pixels.length * 1e-4, `${id} at 1/${f}: ${differing} pixels differ`);
      assert.ok(meanAbsDiff(n.pixels, s.pixels).mean < 1e-3, `${id} at 1/${f}`);
      if (f === 4) assert.equal(differing, 0, `${id} at 1/4, the model's scale`);
    }
  }
});

test('on a colour JPEG its luma is the app\'s colour-to-grey to within rounding', async () => {
  const file = path.join(tmp, 'tinted.jpg');
  await sharp(path.join(ISBI, '151.jpg')).tint({ r: 255, g: 200, b: 120 }).jpeg({ quality: 92 }).toFile(file);
  const n = await jpeg.decodeGreyScaled(fs.readFileSync(file), 4, SIZE);
  const s = await sharpQuarterLuma(file, 4);
  const d = meanAbsDiff(n.pixels, s.pixels);
  assert.ok(d.mean < 0.6 && d.max <= 3, `mean ${d.mean.toFixed(3)}, max ${d.max} grey levels`);
});

test("its area average is the TypeScript resampler's, to the float", async () => {
  const bytes = fs.readFileSync(path.join(ISBI, '151.jpg'));
  const small = await jpeg.decodeGreyScaled(bytes, 4, SIZE);
  const averaged = await jpeg.decodeGreyScaled(bytes, 4, SIZE, { width: 413, height: 512 });
  assert.ok(averaged.pixels instanceof Float32Array);
  assert.deepEqual([averaged.width, averaged.height, averaged.decodedWidth, averaged.decodedHeight], [413, 512, 483, 600]);
  const ts = new Float32Array(413 * 512);
  areaResampleInto(small.pixels, small.width, small.height, 413, 512, ts);
  assert.ok(meanAbsDiff(averaged.pixels, ts).max < 1e-4);
});

test("damaged or unsupported streams are refused with libjpeg's reason", async () => {
  const bytes = fs.readFileSync(path.join(ISBI, '151.jpg'));
  const cmyk = await sharp(bytes).resize(800).toColourspace('cmyk').jpeg().toBuffer();
  const cmykSize = { width: 800, height: (await sharp(cmyk).metadata()).height! };
  const cases: [string, Uint8Array, NativeJpegFailure['code'], RegExp, { width: number; height: number }][] = [
    ['truncated', bytes.subarray(0, bytes.length >> 1), 'corrupt', /premature end/i, SIZE],
    ['text', Buffer.from('not a JPEG at all, just text'), 'corrupt', /not a jpeg/i, SIZE],
    ['cmyk', cmyk, 'unsupported', /grey, YCbCr and RGB/, cmykSize],
    // the size checked against the limits must be the size decoded: a frame that claims more is not
    ['another size', bytes, 'unsupported', /frame header gives 1935 x 2400, not the 1935 x 1200 expected/, { width: 1935, height: 1200 }],
  ];
  // a stream whose data is damaged mid-way: libjpeg warns and would go on filling in; we refuse
  const garbled = Buffer.from(bytes);
  for (let i = 40_000; i < 40_400; i++) garbled[i] = 0xff;
  cases.push(['garbled', garbled, 'corrupt', /corrupt|premature|invalid|bogus|marker/i, SIZE]);
  for (const [name, data, code, message, size] of cases) {
    await assert.rejects(jpeg.decodeGreyScaled(data, 4, size, { width: 100, height: 100 }), (e: unknown) => {
      assert.ok(e instanceof NativeJpegFailure, name);
      assert.equal(e.code, code, `${name}: ${e.message}`);
      assert.match(e.message, message, name);
      return true;
    });
  }
  // through the import, the same files still give the typed error the other readers give
  const truncated = path.join(tmp, 'truncated.jpg');
  fs.writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
  await assert.rejects(importImageReduced(truncated, () => ({ width: 413, height: 512 })), (e: unknown) => e instanceof AppError && e.code === 'corrupt');
});

test('many decodes at once give the pixels of one at a time', async () => {
  const files = ['151', '175', '205'].map((id) => fs.readFileSync(path.join(ISBI, `${id}.jpg`)));
  const alone = [];
  for (const b of files) alone.push(await jpeg.decodeGreyScaled(b, 4, SIZE, { width: 413, height: 512 }));
  const together = await Promise.all([...files, ...files, ...files].map((b) => jpeg.decodeGreyScaled(b, 4, SIZE, { width: 413, height: 512 })));
  together.forEach((r, i) => assert.deepEqual(r.pixels, alone[i % 3].pixels, `decode ${i}`));
});

test('the model path reads a JPEG by the native luma read, and by sharp where the card does not list it', async () => {
  const file = path.join(ISBI, '175.jpg');
  const native = await readForModel(file, model.card);
  assert.equal(native.reduced?.read, 'jpeg-dct-grey-area');
  assert.deepEqual(native.reduced?.span, { x0: 0, y0: 0, width: 1932, height: 2400 });
  const card = { ...model.card, input: { ...model.card.input, reduced_decode: model.card.input.reduced_decode!.filter((r) => r !== 'jpeg-dct-grey-area') } };
  const viaSharp = await readForModel(file, card);
  assert.equal(viaSharp.reduced?.read, 'jpeg-dct-lanczos3');
  // the two reads resample differently (area vs Lanczos-3) from the same 1/4 decode
  const a = (await detect(model, native)).landmarks;
  const b = (await detect(model, viaSharp)).landmarks;
  const d = a.map((p, k) => Math.hypot(p.x - b[k].x, p.y - b[k].y)).sort((x, y) => x - y);
  assert.ok(d[d.length >> 1] < 1, `median distance ${d[d.length >> 1].toFixed(2)} px`);
  // an EXIF-rotated JPEG: the early native read assumed an upright image and must not be used
  const rotated = path.join(tmp, 'rotated.jpg');
  await sharp(file).jpeg().withMetadata({ orientation: 6 }).toFile(rotated);
  const r = await readForModel(rotated, model.card);
  assert.ok(r.pixels && !r.reduced, 'decoded in full, turned upright');
  assert.deepEqual([r.width, r.height], [2400, 1935]);
});
