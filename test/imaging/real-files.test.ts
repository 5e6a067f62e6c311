// The real radiographs in ../shared/data: each must import with the documented size and spacing,
// look right (MONOCHROME1 inverted), and agree across codecs where the same image is stored twice.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { importImage, probeImage, type DecodedImage } from '../../src-main/imaging/import.js';
import { DecodedImageMetaSchema } from '../../src-main/imaging/types.js';
import { dicomFile, ISBI_DIR } from './helpers/paths.js';
import { expectAppError } from './helpers/expect-error.js';

const FILES = ['ot-uncompressed-8bit.dcm', 'cr-hip-jpeg-lossless.dcm', 'cr-hip-jpeg-lossy.dcm', 'dx-chest-j2k-lossless.dcm'];
const ISBI = path.join(ISBI_DIR, '001.jpg');
const images = new Map<string, DecodedImage>();

/** Mean grey of a box given in fractions of the image size. */
function meanOf(img: DecodedImage, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(y0 * img.height); y < Math.floor(y1 * img.height); y++) {
    for (let x = Math.floor(x0 * img.width); x < Math.floor(x1 * img.width); x++) {
      sum += img.pixels[y * img.width + x]!;
      n++;
    }
  }
  return sum / n;
}

before(async () => {
  // Decode each file once; the timings are printed for the record, not asserted.
  for (const name of [...FILES, ISBI]) {
    const file = name.includes('/') ? name : dicomFile(name);
    const t0 = performance.now();
    const img = await importImage(file);
    const ms = performance.now() - t0;
    images.set(name, img);
    console.log(`decode ${path.basename(file)} (${img.transferSyntax ?? img.format}, ${img.width}x${img.height}): ${ms.toFixed(0)} ms`);
  }
});

test('every real image has well-formed serialisable metadata and one byte per pixel', () => {
  for (const [name, img] of images) {
    const { pixels, ...meta } = img;
    assert.equal(pixels.length, img.width * img.height, name);
    DecodedImageMetaSchema.parse(JSON.parse(JSON.stringify(meta)));
    assert.equal(img.sha256.length, 64);
    assert.equal(img.fileSize, fs.statSync(img.sourcePath).size);
  }
});

test('dimensions and spacing match the data README (Rows x Columns)', () => {
  const expect: Record<string, [number, number, number | null, string]> = {
    'dx-chest-j2k-lossless.dcm': [2000, 2128, 0.16, 'PixelSpacing'],
    'cr-hip-jpeg-lossless.dcm': [1760, 2140, 0.2, 'PixelSpacing'],
    'cr-hip-jpeg-lossy.dcm': [1760, 2140, 0.2, 'PixelSpacing'],
    'ot-uncompressed-8bit.dcm': [512, 512, null, 'none'],
  };
  for (const [name, [w, h, mm, source]] of Object.entries(expect)) {
    const img = images.get(name)!;
    assert.equal(img.format, 'dicom');
    assert.deepEqual([img.width, img.height], [w, h], name);
    assert.equal(img.spacing.source, source, name);
    assert.equal(img.spacing.rowMm, mm, name);
    assert.equal(img.spacing.colMm, mm, name);
  }
  const isbi = images.get(ISBI)!;
  assert.deepEqual([isbi.format, isbi.width, isbi.height, isbi.spacing.source], ['jpeg', 1935, 2400, 'none']);
});

test('transfer syntaxes, bit depths and windows are reported as stored', () => {
  const dx = images.get('dx-chest-j2k-lossless.dcm')!;
  assert.equal(dx.transferSyntax, '1.2.840.10008.1.2.4.90');
  assert.equal(dx.photometric, 'MONOCHROME1');
  assert.equal(dx.bitsStored, 12);
  assert.deepEqual(dx.window, { centre: 2048, width: 4096, source: 'window' });
  assert.equal(dx.metadata.modality, 'DX');
  assert.equal(dx.metadata.manufacturer, 'Canon Inc.');

  const hip = images.get('cr-hip-jpeg-lossless.dcm')!;
  assert.equal(hip.transferSyntax, '1.2.840.10008.1.2.4.70');
  assert.deepEqual(hip.window, { centre: 511, width: 1024, source: 'window' });
  assert.equal(hip.metadata.patientName, 'CompressedSamples^RG2');
  assert.equal(hip.metadata.studyDate, '20040826');
  assert.equal(images.get('cr-hip-jpeg-lossy.dcm')!.transferSyntax, '1.2.840.10008.1.2.4.51');

  const ot = images.get('ot-uncompressed-8bit.dcm')!;
  assert.equal(ot.transferSyntax, '1.2.840.10008.1.2');
  assert.deepEqual(ot.window, { centre: 128, width: 256, source: 'none' });
});

test('MONOCHROME1 chest is inverted: spine and heart bright, lungs dark', () => {
  const dx = images.get('dx-chest-j2k-lossless.dcm')!;
  const mediastinum = meanOf(dx, 0.45, 0.35, 0.55, 0.6);
  const rightLung = meanOf(dx, 0.2, 0.3, 0.33, 0.55);
  const subdiaphragm = meanOf(dx, 0.3, 0.88, 0.7, 0.98);
  assert.ok(mediastinum > rightLung + 40, `mediastinum ${mediastinum.toFixed(0)} vs lung ${rightLung.toFixed(0)}`);
  assert.ok(subdiaphragm > rightLung + 40, `abdomen ${subdiaphragm.toFixed(0)} vs lung ${rightLung.toFixed(0)}`);
});

test('the hip stored lossless and lossy decodes to nearly the same picture (two codecs agree)', () => {
  const a = images.get('cr-hip-jpeg-lossless.dcm')!.pixels;
  const b = images.get('cr-hip-jpeg-lossy.dcm')!.pixels;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - b[i]!);
  const mean = diff / a.length;
  assert.ok(mean < 2, `mean absolute difference ${mean.toFixed(2)} grey levels`);
  // Pelvic bone (upper left) is bright; the unattenuated area below the pelvis is black.
  const hip = images.get('cr-hip-jpeg-lossless.dcm')!;
  assert.ok(meanOf(hip, 0.1, 0.2, 0.3, 0.4) > meanOf(hip, 0.2, 0.75, 0.5, 0.95) + 100);
});

test('uncompressed 8-bit pixels come out byte for byte as stored', () => {
  const ot = images.get('ot-uncompressed-8bit.dcm')!;
  const file = fs.readFileSync(dicomFile('ot-uncompressed-8bit.dcm'));
  // Pixel Data is the last element of this file.
  const stored = file.subarray(file.length - 512 * 512);
  assert.deepEqual(Buffer.from(ot.pixels), Buffer.from(stored));
});

test('the ISBI cephalogram (grey stored as RGB JPEG) becomes one grey channel', () => {
  const img = images.get(ISBI)!;
  assert.equal(img.photometric, 'RGB');
  assert.equal(img.window.source, 'none');
  assert.ok(img.warnings.some((w) => /grey/.test(w)));
  assert.ok(meanOf(img, 0.4, 0.3, 0.6, 0.5) > 30, 'skull region is not black');
});

test('bad-mr-without-rows.dcm fails naming Rows', async () => {
  await expectAppError(importImage(dicomFile('bad-mr-without-rows.dcm')), 'missing_element', /Rows \(0028,0010\)/);
  await expectAppError(probeImage(dicomFile('bad-mr-without-rows.dcm')), 'missing_element', /Rows/);
});

test('probeImage reads the same header facts without decoding', async () => {
  for (const name of FILES) {
    const t0 = performance.now();
    const probe = await probeImage(dicomFile(name));
    const ms = performance.now() - t0;
    const img = images.get(name)!;
    assert.deepEqual(
      [probe.width, probe.height, probe.bitsStored, probe.photometric, probe.transferSyntax, probe.fileSize],
      [img.width, img.height, img.bitsStored, img.photometric, img.transferSyntax, img.fileSize],
    );
    assert.deepEqual(probe.spacing, img.spacing);
    assert.deepEqual(probe.metadata, img.metadata);
    assert.ok(ms < 500, `${name} probe took ${ms.toFixed(0)} ms`);
  }
  const jpg = await probeImage(ISBI);
  assert.deepEqual([jpg.format, jpg.width, jpg.height, jpg.bitsStored], ['jpeg', 1935, 2400, 8]);
});
