import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sniffFormat } from '../../src-main/imaging/import.js';
import { dicomFile } from './helpers/paths.js';
import { writeDicom, greyImageElements, TS } from './helpers/dicom-writer.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

test('sniffFormat recognises raster magic numbers', () => {
  assert.equal(sniffFormat(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0)), 'png');
  assert.equal(sniffFormat(bytes(0xff, 0xd8, 0xff, 0xe0)), 'jpeg');
  assert.equal(sniffFormat(bytes(0x49, 0x49, 0x2a, 0x00)), 'tiff');
  assert.equal(sniffFormat(bytes(0x4d, 0x4d, 0x00, 0x2a)), 'tiff');
  const bmp = new Uint8Array(54);
  bmp.set([0x42, 0x4d]);
  bmp[14] = 40;
  assert.equal(sniffFormat(bmp), 'bmp');
});

test('sniffFormat does not take text starting with "BM" or short input for an image', () => {
  assert.equal(sniffFormat(new TextEncoder().encode('BM is a text file that says hello')), null);
  assert.equal(sniffFormat(new Uint8Array(0)), null);
  assert.equal(sniffFormat(bytes(0xff)), null);
  assert.equal(sniffFormat(new TextEncoder().encode('DICOM file? no, just a note\n'.repeat(10))), null);
});

test('sniffFormat finds DICOM with and without the preamble', () => {
  assert.equal(sniffFormat(fs.readFileSync(dicomFile('ot-uncompressed-8bit.dcm'))), 'dicom');
  const els = greyImageElements({ rows: 4, columns: 4, bitsAllocated: 8, pixels: new Uint8Array(16) });
  assert.equal(sniffFormat(writeDicom(els, { transferSyntax: TS.explicitLE, layout: 'no-preamble' })), 'dicom');
  assert.equal(sniffFormat(writeDicom(els, { transferSyntax: TS.explicitLE, layout: 'raw' })), 'dicom');
  assert.equal(sniffFormat(writeDicom(els, { transferSyntax: TS.implicitLE, layout: 'raw' })), 'dicom');
});
