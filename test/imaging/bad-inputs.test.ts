// A corpus of broken, hostile and odd inputs, generated here in a temp folder. Each must give its
// typed error (or import, when it is valid), never a crash or an untyped exception.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { importImage, importImageReduced, probeImage, type ImportOptions, type ReduceTo } from '../../src-main/imaging/import.js';
import type { ErrorCode } from '../../src-shared/errors.js';
import { dicomFile, fixture, ISBI_DIR, tempDir } from './helpers/paths.js';
import { expectAppError } from './helpers/expect-error.js';
import { greyImageElements, withoutTag, writeDicom, TS } from './helpers/dicom-writer.js';
import { encodeJ2k } from './helpers/compressed-dicom.js';

const dir = tempDir('bad');
const file = (name: string, bytes: Uint8Array | string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
};

/** Replaces the first occurrence of `from` with `to` (same length) in a copy of `bytes`. */
function patch(bytes: Uint8Array, from: number[] | string, to: number[] | string): Buffer {
  const a = Buffer.from(typeof from === 'string' ? Buffer.from(from, 'latin1') : from);
  const b = Buffer.from(typeof to === 'string' ? Buffer.from(to, 'latin1') : to);
  assert.equal(a.length, b.length);
  const out = Buffer.from(bytes);
  const at = out.indexOf(a);
  assert.ok(at >= 0, `pattern ${a.toString('hex')} not found`);
  b.copy(out, at);
  return out;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG that is only a signature and a header: nothing to decode, whatever size it claims. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grey
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IEND', new Uint8Array(0))]);
}

function bmpHeader(width: number, height: number, bpp = 24): Buffer {
  const h = Buffer.alloc(54);
  h.write('BM', 0, 'latin1');
  h.writeUInt32LE(54, 10);
  h.writeUInt32LE(40, 14);
  h.writeInt32LE(width, 18);
  h.writeInt32LE(height, 22);
  h.writeUInt16LE(1, 26);
  h.writeUInt16LE(bpp, 28);
  return h;
}

interface Case {
  name: string;
  path: () => string;
  code: ErrorCode;
  message?: RegExp;
  opts?: ImportOptions;
}
const cases: Case[] = [];
const add = (name: string, code: ErrorCode, path: () => string, message?: RegExp, opts?: ImportOptions) =>
  cases.push({ name, code, path, message, opts });

const ot = fs.readFileSync(dicomFile('ot-uncompressed-8bit.dcm'));
const j2k = fs.readFileSync(dicomFile('dx-chest-j2k-lossless.dcm'));
const lossless = fs.readFileSync(dicomFile('cr-hip-jpeg-lossless.dcm'));
const lossy = fs.readFileSync(dicomFile('cr-hip-jpeg-lossy.dcm'));
const isbi = fs.readFileSync(path.join(ISBI_DIR, '001.jpg'));

// --- files and paths
add('zero-byte file', 'empty', () => file('empty.dcm', ''));
add('text file named .dcm', 'not_an_image', () => file('notes.dcm', 'Patient notes: take a lateral ceph next week.\n'), /notes\.dcm .*looks like text\)$/);
add('PDF named .dcm (its content never echoed)', 'not_an_image', () => file('scan.dcm', '%PDF-1.7\nPatient Jane Roe, 1990-04-17'), /looks like a PDF document\)$/);
add('random bytes', 'not_an_image', () => file('random.bin', crypto.randomBytes(4096)));
add('random bytes named .png', 'not_an_image', () => file('random.png', crypto.randomBytes(4096)));
add('missing path', 'not_found', () => path.join(dir, 'does-not-exist.dcm'), /No file at/);
add('a directory', 'unreadable', () => fs.mkdtempSync(path.join(dir, 'folder-')), /folder/);

// --- real DICOMs cut short
for (const at of [140, 400, 600, 1200, ot.length >> 1, ot.length - 1]) {
  add(`OT DICOM truncated at ${at} bytes`, 'corrupt', () => file(`ot-cut-${at}.dcm`, ot.subarray(0, at)));
}
add('OT DICOM truncated inside the preamble', 'not_an_image', () => file('ot-cut-100.dcm', ot.subarray(0, 100)));
for (const frac of [0.1, 0.5, 0.999]) {
  add(`JPEG 2000 DICOM truncated at ${frac * 100}%`, 'corrupt', () => file(`j2k-cut-${frac}.dcm`, j2k.subarray(0, Math.floor(j2k.length * frac))));
}
add('JPEG lossless DICOM truncated at 50%', 'corrupt', () => file('ll-cut.dcm', lossless.subarray(0, lossless.length >> 1)));
add('JPEG lossless DICOM truncated 4 bytes short', 'corrupt', () => file('ll-cut-4.dcm', lossless.subarray(0, lossless.length - 4)));

// --- required elements (real files edited in place, and written from scratch)
add('real DICOM without Rows', 'missing_element', () => dicomFile('bad-mr-without-rows.dcm'), /Rows \(0028,0010\)/);
// (0028,0011) Columns → (0028,0012), a retired tag nobody reads.
add('real DICOM with Columns renamed away', 'missing_element', () => file('no-columns.dcm', patch(ot, [0x28, 0, 0x11, 0], [0x28, 0, 0x12, 0])), /Columns \(0028,0011\)/);
const tiny = (extra = {}) => greyImageElements({ rows: 300, columns: 300, bitsAllocated: 8, pixels: new Uint8Array(300 * 300), ...extra });
add('written DICOM without Bits Allocated', 'missing_element', () => file('no-ba.dcm', writeDicom(withoutTag(tiny(), 0x00280100), { transferSyntax: TS.explicitLE })), /Bits Allocated/);
add('written DICOM without Pixel Data', 'missing_element', () => file('no-px.dcm', writeDicom(withoutTag(tiny(), 0x7fe00010), { transferSyntax: TS.explicitLE })), /Pixel Data \(7FE0,0010\)/);
// Rows 512 → 600 in the real file (US value 0x0200 → 0x0258): pixel data now too short.
add('real DICOM whose Rows exceed its pixel data', 'corrupt', () => file('rows-600.dcm', patch(ot, [0x28, 0, 0x10, 0, 2, 0, 0, 0, 0, 2], [0x28, 0, 0x10, 0, 2, 0, 0, 0, 0x58, 2])), /pixel data hold 262144 bytes/);
add('written DICOM with half its pixel data', 'corrupt', () => file('short-px.dcm', writeDicom(tiny({ pixels: new Uint8Array(300 * 150) }), { transferSyntax: TS.explicitLE })), /truncated or its header is wrong/);
add('DICOM with Bits Allocated 32', 'unsupported', () => file('ba32.dcm', writeDicom([...withoutTag(tiny(), 0x00280100), { tag: 0x00280100, vr: 'US', value: [32] }], { transferSyntax: TS.explicitLE })), /Bits Allocated is 32/);
add('DICOM PALETTE COLOR', 'unsupported', () => file('palette.dcm', writeDicom(tiny({ photometric: 'PALETTE COLOR' }), { transferSyntax: TS.explicitLE })), /PALETTE COLOR/);

// --- transfer syntaxes
add('real DICOM relabelled JPEG progressive (.4.55)', 'unsupported', () => file('ts-455.dcm', patch(lossy, '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.55')), /1\.2\.840\.10008\.1\.2\.4\.55/);
add('written DICOM in HTJ2K', 'unsupported', () => file('htj2k.dcm', writeDicom(tiny(), { transferSyntax: TS.htj2k, encapsulated: { fragments: [new Uint8Array(64)] } })), /1\.2\.840\.10008\.1\.2\.4\.201/);
add('written DICOM with a private transfer syntax', 'unsupported', () => file('ts-private.dcm', writeDicom(tiny(), { transferSyntax: '1.2.3.4.5.6' })), /1\.2\.3\.4\.5\.6 \(unknown/);
add('JPEG 2000 syntax with random bytes as the code stream', 'corrupt', () =>
  file('j2k-garbage.dcm', writeDicom(tiny({ pixels: undefined }), { transferSyntax: TS.j2k, encapsulated: { fragments: [Uint8Array.from([...crypto.randomBytes(1000), 0xff, 0xd9])] } })),
);
add('JPEG-LS fixture whose Rows disagree with its code stream', 'corrupt', () => {
  // 80 rows (0x50) → 81: the stream decodes to 96 x 80.
  const bytes = fs.readFileSync(fixture('jls-lossless-u12.dcm'));
  return file('jls-rows.dcm', patch(bytes, [0x28, 0, 0x10, 0, 0x55, 0x53, 2, 0, 0x50, 0], [0x28, 0, 0x10, 0, 0x55, 0x53, 2, 0, 0x51, 0]));
}, /says 96 x 81/, { limits: { minSide: 1 } });
add('uncompressed pixel data declared encapsulated', 'corrupt', () =>
  file('encap-native.dcm', writeDicom(tiny({ pixels: undefined }), { transferSyntax: TS.explicitLE, encapsulated: { fragments: [new Uint8Array(300 * 300)] } })),
);
add('DICOM declaring 65535 x 65535 (header only)', 'too_large', () =>
  file('dicom-huge.dcm', writeDicom(greyImageElements({ rows: 65535, columns: 65535, bitsAllocated: 16, pixels: new Uint16Array(16) }), { transferSyntax: TS.explicitLE })),
);
add('DICOM declaring 5000 frames of 2000 x 2000 x 16 bits (40 GB; the pixel data itself is short)', 'too_large', () =>
  file(
    'dicom-frames-bomb.dcm',
    writeDicom(greyImageElements({ rows: 2000, columns: 2000, bitsAllocated: 16, pixels: new Uint16Array(16), extra: [{ tag: 0x00280008, vr: 'IS', value: '5000' }] }), { transferSyntax: TS.explicitLE }),
  ),
  /5000 frame\(s\) of 2000 x 2000 .* GiB of pixels/,
);
add('DICOM 200 x 300', 'too_small', () => file('dicom-small.dcm', writeDicom(greyImageElements({ rows: 300, columns: 200, bitsAllocated: 8, pixels: new Uint8Array(60000) }), { transferSyntax: TS.explicitLE })));

// --- rasters
add('1x1 PNG', 'too_small', () => file('1x1.png', pngHeaderOnly(1, 1)));
add('PNG declaring 100000 x 100000', 'too_large', () => file('huge.png', pngHeaderOnly(100000, 100000)), /100000 x 100000/);
add('JPEG declaring 65500 x 65500 (the format maximum)', 'too_large', () => {
  // Patch the frame header of a real JPEG: height and width follow the SOF marker and precision.
  const at = isbi.indexOf(Buffer.from([0xff, 0xc0]));
  const out = Buffer.from(isbi.subarray(0, 4096));
  out.writeUInt16BE(65500, at + 5);
  out.writeUInt16BE(65500, at + 7);
  return file('huge.jpg', out);
});
add('BMP declaring 100000 x 100000', 'too_large', () => file('huge.bmp', bmpHeader(100000, 100000)));
add('BMP 300 x 300 with its pixels missing', 'corrupt', () => file('short.bmp', bmpHeader(300, 300)), /truncated/);
add('BMP with RLE compression', 'unsupported', () => {
  const h = bmpHeader(300, 300, 8);
  h.writeUInt32LE(1, 30);
  return file('rle.bmp', Buffer.concat([h, Buffer.alloc(2000)]));
}, /compression/);
add('JPEG truncated at 50%', 'corrupt', () => file('cut.jpg', isbi.subarray(0, isbi.length >> 1)));
add('JPEG truncated after its header', 'corrupt', () => file('cut-head.jpg', isbi.subarray(0, 1000)));
add('PNG signature followed by garbage', 'corrupt', () => file('garbage.png', Buffer.concat([pngHeaderOnly(1, 1).subarray(0, 8), crypto.randomBytes(500)])));

before(async () => {
  // Rasters that need an encoder.
  const noise = crypto.randomBytes(20 * 20);
  const small = await sharp(noise, { raw: { width: 20, height: 20, channels: 1 } }).png().toBuffer();
  assert.ok(small.length > 500 && small.length < 2048, `the "1 kB PNG" is ${small.length} bytes`);
  add(`${small.length}-byte PNG (20 x 20)`, 'too_small', () => file('1kb.png', small), /20 x 20 pixels/);
  const png = await sharp(isbi).resize(400).png().toBuffer();
  add('PNG truncated at 60%', 'corrupt', () => file('cut.png', png.subarray(0, Math.floor(png.length * 0.6))));
  // a well-formed DICOM around a JPEG 2000 codestream that stops halfway
  const grey = await sharp(isbi).resize(1000).greyscale().raw().toBuffer({ resolveWithObject: true });
  const codestream = await encodeJ2k(new Uint8Array(grey.data), grey.info.width, grey.info.height);
  const half = codestream.subarray(0, (codestream.length >> 1) & ~1);
  const elements = greyImageElements({ rows: grey.info.height, columns: grey.info.width, bitsAllocated: 8 });
  add('JPEG 2000 codestream cut in half inside a whole DICOM', 'corrupt', () => file('j2k-half.dcm', writeDicom(elements, { transferSyntax: TS.j2kLossless, encapsulated: { fragments: [half] } })));
});

// what the model path asks of a JPEG or a JPEG 2000 DICOM: a copy about 4.7 times smaller, decoded
// at reduced scale
const reduceTo: ReduceTo = (w, h) => ({ width: Math.max(1, Math.round(w / 4.7)), height: Math.max(1, Math.round(h / 4.7)) });

test('every bad input gives its typed error, from import, from the model path and from probe', async () => {
  const rows: string[] = [];
  for (const c of cases) {
    const p = c.path();
    const t0 = performance.now();
    const e = await expectAppError(importImage(p, c.opts), c.code, c.message).catch((err: Error) => {
      throw new Error(`${c.name}: ${err.message}`);
    });
    const ms = performance.now() - t0;
    await expectAppError(importImageReduced(p, reduceTo, c.opts), c.code, c.message).catch((err: Error) => {
      throw new Error(`${c.name} (model path): ${err.message}`);
    });
    rows.push(`${c.code.padEnd(16)} ${ms.toFixed(0).padStart(5)} ms  ${c.name}: ${e.message}`);
    assert.ok(ms < 3000, `${c.name} took ${ms.toFixed(0)} ms`);
    // Probing must never crash either: it may succeed (a header can be fine while pixels are not).
    await probeImage(p).catch((err: unknown) => assert.equal((err as { name?: string }).name, 'AppError', `${c.name}: probe threw ${String(err)}`));
  }
  console.log(rows.join('\n'));
});

test('size checks come before decoding: a 100000 x 100000 PNG is refused fast', async () => {
  const p = file('huge2.png', pngHeaderOnly(100000, 100000));
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  await expectAppError(importImage(p), 'too_large');
  assert.ok(performance.now() - t0 < 500);
  assert.ok(process.memoryUsage().rss - before < 100 * 2 ** 20, 'no large allocation');
  const probe = await probeImage(p);
  assert.deepEqual([probe.width, probe.height], [100000, 100000]);
});

test('valid but unusual inputs import', async () => {
  // Non-ASCII name with spaces.
  const odd = file('tête de mort – ü 頭蓋 (1).dcm', ot);
  const img = await importImage(odd);
  assert.equal(img.sourcePath, odd);
  assert.deepEqual([img.width, img.height], [512, 512]);

  // A DICOM with a .png name is still DICOM.
  assert.equal((await importImage(file('really-dicom.png', ot))).format, 'dicom');

  // CMYK JPEG becomes grey.
  const grey = await sharp(isbi).resize(600).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const cmyk = await sharp(isbi).resize(600).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
  const c = await importImage(file('cmyk.jpg', cmyk));
  assert.equal(c.photometric, 'CMYK');
  assert.ok(c.warnings.some((w) => /CMYK/.test(w)));
  let diff = 0;
  for (let i = 0; i < c.pixels.length; i++) diff += Math.abs(c.pixels[i]! - grey.data[i]!);
  assert.ok(diff / c.pixels.length < 20, `CMYK grey differs by ${(diff / c.pixels.length).toFixed(1)} on average`);
});

test('a large file that is not an image is refused from its first bytes, never read whole', async (t) => {
  // 1 GB (sparse: no disk used) of text named .dcm
  const big = path.join(dir, 'video-export.dcm');
  fs.writeFileSync(big, 'Exported log of the X-ray console, 2024\n');
  fs.truncateSync(big, 1024 ** 3);
  t.after(() => fs.rmSync(big, { force: true }));
  const fsp = (await import('node:fs/promises')).default;
  const readFile = fsp.readFile;
  const whole: string[] = [];
  fsp.readFile = ((...args: Parameters<typeof readFile>) => {
    whole.push(String(args[0]));
    return readFile(...args);
  }) as typeof readFile;
  t.after(() => {
    fsp.readFile = readFile;
  });
  const err = await expectAppError(importImage(big), 'not_an_image', /looks like/);
  assert.doesNotMatch(err.message, /Exported|console/, 'the content is not echoed');
  assert.deepEqual(whole, [], 'the file was read whole before it was refused');
  // the spy sees whole reads: a real image is read whole
  await importImage(path.join(ISBI_DIR, '151.jpg'));
  assert.equal(whole.length, 1);
});

test('permission denied is unreadable', { skip: process.platform === 'win32' }, () => {
  const p = file('locked.dcm', ot);
  fs.chmodSync(p, 0o000);
  fs.chmodSync(dir, 0o755);
  // Root reads anything, so run the import as an unprivileged user where we are root.
  const asRoot = process.getuid?.() === 0;
  const script = `import('${new URL('../../src-main/imaging/import.ts', import.meta.url).href}').then(m => m.importImage(${JSON.stringify(p)})).then(() => console.log('ok'), e => console.log(e.code))`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    encoding: 'utf8',
    cwd: path.resolve(new URL('../..', import.meta.url).pathname),
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  assert.equal(r.stdout.trim(), 'unreadable', r.stderr);
});
