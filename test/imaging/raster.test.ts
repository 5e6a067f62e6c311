// PNG (8 and 16-bit), TIFF and BMP made from a real cephalogram, compared with a grey reference.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { importImage, probeImage } from '../../src-main/imaging/import.js';
import { ISBI_DIR, tempDir } from './helpers/paths.js';

const dir = tempDir('raster');
const W = 387; // a fifth of 1935: small and odd, so BMP rows need padding
const H = 480;
let grey: Uint8Array;

function bmp(bpp: 8 | 24 | 32, topDown: boolean): Buffer {
  const stride = Math.floor((bpp * W + 31) / 32) * 4;
  const palette = bpp === 8 ? 256 * 4 : 0;
  const offset = 54 + palette;
  const out = Buffer.alloc(offset + stride * H);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(offset, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(W, 18);
  out.writeInt32LE(topDown ? -H : H, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(bpp, 28);
  for (let i = 0; bpp === 8 && i < 256; i++) out.set([i, i, i, 0], 54 + 4 * i);
  for (let y = 0; y < H; y++) {
    const row = offset + (topDown ? y : H - 1 - y) * stride;
    for (let x = 0; x < W; x++) {
      const g = grey[y * W + x]!;
      if (bpp === 8) out[row + x] = g;
      else out.set(bpp === 24 ? [g, g, g] : [g, g, g, 255], row + x * (bpp / 8));
    }
  }
  return out;
}

before(async () => {
  grey = new Uint8Array(
    await sharp(path.join(ISBI_DIR, '002.jpg')).resize(W, H).toColourspace('b-w').raw().toBuffer(),
  );
});

const save = (name: string, bytes: Uint8Array) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
};
const raw8 = () => sharp(grey, { raw: { width: W, height: H, channels: 1 } });

test('8-bit grey PNG, TIFF and BMP (8, 24, 32 bit; bottom-up and top-down) round-trip exactly', async () => {
  const files = {
    'grey.png': await raw8().png().toBuffer(),
    'grey.tif': await raw8().tiff({ compression: 'lzw' }).toBuffer(),
    'rgb.png': await raw8().toColourspace('srgb').png().toBuffer(),
    'p8.bmp': bmp(8, false),
    'rgb24.bmp': bmp(24, false),
    'rgb24-topdown.bmp': bmp(24, true),
    'rgbx32.bmp': bmp(32, false),
  };
  for (const [name, bytes] of Object.entries(files)) {
    const img = await importImage(save(name, bytes));
    assert.deepEqual([img.width, img.height, img.bitsStored, img.window.source], [W, H, 8, 'none'], name);
    assert.deepEqual(Buffer.from(img.pixels), Buffer.from(grey), name);
    const probe = await probeImage(path.join(dir, name));
    assert.deepEqual([probe.format, probe.width, probe.height], [img.format, W, H], name);
  }
});

test('16-bit PNG keeps its depth and is windowed by percentiles', async () => {
  // Spread the 8-bit picture over 12 bits with an offset, as a detector export would.
  const sixteen = Uint16Array.from(grey, (g) => 1000 + g * 12);
  const png = await sharp(sixteen, { raw: { width: W, height: H, channels: 1 } })
    .toColourspace('grey16')
    .png()
    .toBuffer();
  const file = save('grey16.png', png);
  const probe = await probeImage(file);
  assert.equal(probe.bitsStored, 16);
  const img = await importImage(file);
  assert.equal(img.bitsStored, 16);
  assert.equal(img.window.source, 'percentile');
  assert.ok(img.window.centre > 1000 && img.window.centre < 1000 + 255 * 12);
  // Monotonic in the source: brighter source pixels never come out darker.
  const order = Array.from(grey.keys()).sort((a, b) => grey[a]! - grey[b]!);
  for (let k = 1; k < order.length; k++) {
    if (grey[order[k]!]! > grey[order[k - 1]!]!) assert.ok(img.pixels[order[k]!]! >= img.pixels[order[k - 1]!]!);
  }
  // And it uses the full 8-bit range, which the squashed 0..15 failure mode would not.
  assert.equal(img.pixels.reduce((a, b) => Math.max(a, b)), 255);
  assert.equal(img.pixels.reduce((a, b) => Math.min(a, b)), 0);
});

test('EXIF orientation is applied, and reported dimensions follow it', async () => {
  const rotated = await raw8().jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
  const file = save('rotated.jpg', rotated);
  const img = await importImage(file);
  assert.deepEqual([img.width, img.height], [H, W]);
  const probe = await probeImage(file);
  assert.deepEqual([probe.width, probe.height], [H, W]);
});
