// What the header says about the pixels: VOI LUT, window, rescale, sign, MONOCHROME1, frames,
// spacing and text encoding, each on a small image built for the purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { importImage, probeImage } from '../../src-main/imaging/import.js';
import { renderGrey } from '../../src-main/imaging/window.js';
import { tempDir } from './helpers/paths.js';
import { expectAppError } from './helpers/expect-error.js';
import { greyImageElements, writeDicom, TS, type El } from './helpers/dicom-writer.js';

const SMALL = { limits: { minSide: 1 } };
const dir = tempDir('semantics');
let counter = 0;

/** A 1-row image holding `values`, written with `extra` elements; returns its path. */
function ramp(values: number[], opts: { bitsStored?: number; signed?: boolean; photometric?: string; extra?: El[] } = {}): string {
  const pixels = opts.signed ? new Uint16Array(Int16Array.from(values).buffer) : Uint16Array.from(values);
  const els = greyImageElements({
    rows: 1,
    columns: values.length,
    bitsAllocated: 16,
    bitsStored: opts.bitsStored ?? 12,
    signed: opts.signed,
    photometric: opts.photometric,
    pixels,
    extra: opts.extra,
  });
  const file = path.join(dir, `ramp-${counter++}.dcm`);
  fs.writeFileSync(file, writeDicom(els, { transferSyntax: TS.explicitLE }));
  return file;
}

const ds = (tag: number, value: string): El => ({ tag, vr: 'DS', value });

test('Window Center/Width (first value) maps by the DICOM linear function', async () => {
  const img = await importImage(ramp([0, 1000, 1500, 2000, 2500, 4095], { extra: [ds(0x00281050, '2000\\100'), ds(0x00281051, '1000\\50')] }), SMALL);
  assert.deepEqual(img.window, { centre: 2000, width: 1000, source: 'window' });
  assert.deepEqual(Array.from(img.pixels), [0, 0, 0, 128, 255, 255]);
});

test('RescaleSlope/Intercept apply before the window', async () => {
  // Modality value = 2 * stored - 1000; the window is in modality units.
  const img = await importImage(
    ramp([500, 1000, 1500], { extra: [ds(0x00281053, '2'), ds(0x00281052, '-1000'), ds(0x00281050, '1000'), ds(0x00281051, '2000')] }),
    SMALL,
  );
  assert.deepEqual(Array.from(img.pixels), [0, 128, 255]);
});

test('a VOI LUT Sequence wins over a window', async () => {
  // LUT over stored values 100..103: output 0, 1000, 3000, 4095 of 12 bits.
  const lut: El = {
    tag: 0x00283010,
    vr: 'SQ',
    value: [
      [
        { tag: 0x00283002, vr: 'US', value: [4, 100, 12] },
        { tag: 0x00283006, vr: 'OW', value: Uint16Array.from([0, 1000, 3000, 4095]) },
      ],
    ],
  };
  const img = await importImage(ramp([50, 100, 101, 102, 103, 500], { extra: [lut, ds(0x00281050, '0'), ds(0x00281051, '10')] }), SMALL);
  assert.equal(img.window.source, 'voi_lut');
  assert.deepEqual(Array.from(img.pixels), [0, 0, 62, 187, 255, 255]);
});

test('with no window, a percentile window ignores outliers', async () => {
  // 1000 values spread 1000..1999 plus one dead pixel at 0 and one hot pixel at 4095.
  const values = [0, ...Array.from({ length: 1000 }, (_, i) => 1000 + i), 4095];
  const img = await importImage(ramp(values), SMALL);
  assert.equal(img.window.source, 'percentile');
  assert.ok(img.window.centre > 1400 && img.window.centre < 1600, JSON.stringify(img.window));
  assert.ok(img.window.width > 900 && img.window.width < 1100, JSON.stringify(img.window));
  assert.equal(img.pixels[0], 0);
  assert.equal(img.pixels[values.length - 1], 255);
  // Monotonic across the ramp.
  for (let i = 2; i < values.length - 1; i++) assert.ok(img.pixels[i]! >= img.pixels[i - 1]!);
});

test('signed data are sign-extended from Bits Stored', async () => {
  // 12-bit signed: -2048..2047. Stored in 16 bits, high bits may hold garbage; we mask them.
  const img = await importImage(
    ramp([-2048, -1, 0, 2047], { signed: true, extra: [ds(0x00281050, '0'), ds(0x00281051, '4096')] }),
    SMALL,
  );
  assert.deepEqual(Array.from(img.pixels), [0, 127, 128, 255]);
});

test('MONOCHROME1 is inverted after windowing', async () => {
  const values = [0, 1000, 2000, 3000, 4095];
  const extra = [ds(0x00281050, '2048'), ds(0x00281051, '4096')];
  const m2 = await importImage(ramp(values, { extra }), SMALL);
  const m1 = await importImage(ramp(values, { extra, photometric: 'MONOCHROME1' }), SMALL);
  assert.deepEqual(Array.from(m1.pixels), Array.from(m2.pixels, (v) => 255 - v));
  assert.equal(m1.pixels[0], 255);
});

test('multi-frame: the first frame is imported, or refused on request', async () => {
  const frame0 = new Uint16Array(16 * 16).fill(100);
  const frame1 = new Uint16Array(16 * 16).fill(4000);
  const both = new Uint16Array([...frame0, ...frame1]);
  const els = greyImageElements({ rows: 16, columns: 16, bitsAllocated: 16, pixels: both, extra: [{ tag: 0x00280008, vr: 'IS', value: '2' }] });
  const file = path.join(dir, 'two-frames.dcm');
  fs.writeFileSync(file, writeDicom(els, { transferSyntax: TS.explicitLE }));
  const img = await importImage(file, SMALL);
  assert.equal(img.frameCount, 2);
  assert.ok(img.warnings.some((w) => /frame 1 of 2/.test(w)));
  assert.ok(img.pixels.every((v) => v === img.pixels[0]), 'all of frame 1 is flat');
  await expectAppError(importImage(file, { ...SMALL, multiFrame: 'refuse' }), 'unsupported', /2 frames/);
});

test('spacing: PixelSpacing first, else ImagerPixelSpacing divided by the magnification factor', async () => {
  const px = (v: string): El => ({ tag: 0x00280030, vr: 'DS', value: v });
  const imager = (v: string): El => ({ tag: 0x00181164, vr: 'DS', value: v });
  const emf = (v: string): El => ({ tag: 0x00181114, vr: 'DS', value: v });
  const cases: [El[], object][] = [
    [[px('0.1\\0.12'), imager('0.2\\0.2')], { rowMm: 0.1, colMm: 0.12, source: 'PixelSpacing' }],
    [[imager('0.143\\0.143')], { rowMm: 0.143, colMm: 0.143, source: 'ImagerPixelSpacing' }],
    [[imager('0.11\\0.11'), emf('1.1')], { rowMm: 0.1, colMm: 0.1, source: 'ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor' }],
    [[px('0\\0'), imager('0.2\\0.2')], { rowMm: 0.2, colMm: 0.2, source: 'ImagerPixelSpacing' }],
    [[px('junk')], { rowMm: null, colMm: null, source: 'none' }],
  ];
  for (const [extra, expected] of cases) {
    const img = await importImage(ramp([1, 2, 3], { extra }), SMALL);
    const got = { ...img.spacing, rowMm: img.spacing.rowMm && +img.spacing.rowMm.toFixed(6), colMm: img.spacing.colMm && +img.spacing.colMm.toFixed(6) };
    assert.deepEqual(got, expected);
  }
});

test('patient name in UTF-8 (ISO_IR 192) is decoded, not shown as Latin-1 mojibake', async () => {
  const file = ramp([1, 2, 3], {
    extra: [
      { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
      { tag: 0x00100010, vr: 'PN', value: 'Müller^Zoë' },
      { tag: 0x00100020, vr: 'LO', value: 'ID-42' },
    ],
  });
  const img = await importImage(file, SMALL);
  assert.equal(img.metadata.patientName, 'Müller^Zoë');
  assert.equal(img.metadata.patientId, 'ID-42');
  assert.equal((await probeImage(file)).metadata.patientName, 'Müller^Zoë');
});

test('renderGrey maps 8-bit data through unchanged', () => {
  const samples = Uint8Array.from([0, 1, 127, 254, 255]);
  const out = renderGrey({ samples, bitsStored: 8, signed: false });
  assert.deepEqual(Array.from(out.pixels), [0, 1, 127, 254, 255]);
  assert.equal(out.window.source, 'none');
});
