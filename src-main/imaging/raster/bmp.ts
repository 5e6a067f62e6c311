// Windows BMP. sharp's bundled libvips has no BMP loader, and the format is simple enough to
// read directly: uncompressed 1/4/8-bit palette, 16/24/32-bit direct colour, and bit-field masks.
// RLE-compressed BMPs are refused; scanners and X-ray software do not write them.
import { AppError } from '../../../src-shared/errors.js';

export interface BmpHeader {
  width: number;
  height: number;
  bitsPerPixel: number;
  topDown: boolean;
  compression: number;
  pixelOffset: number;
  headerSize: number;
  paletteSize: number;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

function corrupt(why: string): AppError {
  return new AppError('corrupt', `BMP file is damaged: ${why}`);
}

export function readBmpHeader(bytes: Uint8Array): BmpHeader {
  if (bytes.length < 26) throw corrupt('it ends inside its header');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = v.getUint32(10, true);
  const headerSize = v.getUint32(14, true);
  let width: number;
  let rawHeight: number;
  let bitsPerPixel: number;
  let compression = BI_RGB;
  let paletteSize = 0;
  if (headerSize === 12) {
    width = v.getUint16(18, true);
    rawHeight = v.getInt16(20, true);
    bitsPerPixel = v.getUint16(24, true);
  } else {
    if (bytes.length < 14 + Math.min(headerSize, 40)) throw corrupt('it ends inside its header');
    width = v.getInt32(18, true);
    rawHeight = v.getInt32(22, true);
    bitsPerPixel = v.getUint16(28, true);
    compression = v.getUint32(30, true);
    paletteSize = v.getUint32(46, true);
  }
  if (bitsPerPixel <= 8 && paletteSize === 0) paletteSize = 2 ** bitsPerPixel;
  return {
    width,
    height: Math.abs(rawHeight),
    bitsPerPixel,
    topDown: rawHeight < 0,
    compression,
    pixelOffset,
    headerSize,
    paletteSize,
  };
}

/** Position and width of a colour channel inside a little-endian pixel word. */
function channel(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

/** Decodes to 8-bit grey (BT.601 luma), top row first. Dimensions must have been checked. */
export function decodeBmp(bytes: Uint8Array, h: BmpHeader): Uint8Array {
  if (h.compression !== BI_RGB && h.compression !== BI_BITFIELDS && h.compression !== BI_ALPHABITFIELDS) {
    throw new AppError('unsupported', `BMP compression type ${h.compression} (run-length or embedded JPEG/PNG) is not supported; save it uncompressed`, {
      compression: h.compression,
    });
  }
  if (![1, 4, 8, 16, 24, 32].includes(h.bitsPerPixel)) {
    throw new AppError('unsupported', `BMP with ${h.bitsPerPixel} bits per pixel is not supported`, { bitsPerPixel: h.bitsPerPixel });
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stride = Math.floor((h.bitsPerPixel * h.width + 31) / 32) * 4;
  if (h.pixelOffset + stride * h.height > bytes.length) {
    throw corrupt(`pixel data need ${stride * h.height} bytes from offset ${h.pixelOffset} but the file has ${bytes.length} bytes (truncated?)`);
  }

  const luma = (r: number, g: number, b: number) => (299 * r + 587 * g + 114 * b + 500) / 1000;
  let palette: Uint8Array | undefined;
  if (h.bitsPerPixel <= 8) {
    const entry = h.headerSize === 12 ? 3 : 4;
    const start = 14 + h.headerSize;
    palette = new Uint8Array(256);
    for (let i = 0; i < Math.min(h.paletteSize, 256); i++) {
      const p = start + i * entry;
      if (p + 3 > bytes.length) throw corrupt('its colour table is cut short');
      palette[i] = luma(bytes[p + 2]!, bytes[p + 1]!, bytes[p]!);
    }
  }

  // Direct colour: masks are explicit with BITFIELDS, otherwise 5-5-5 (16-bit) or 8-8-8 (32-bit).
  let masks: [number, number, number] = h.bitsPerPixel === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (h.compression !== BI_RGB) {
    const at = h.headerSize >= 52 ? 14 + 40 : 14 + h.headerSize; // V4/V5 hold masks inside the header
    masks = [v.getUint32(at, true), v.getUint32(at + 4, true), v.getUint32(at + 8, true)];
  }
  const [rc, gc, bc] = masks.map(channel) as [ReturnType<typeof channel>, ReturnType<typeof channel>, ReturnType<typeof channel>];
  const scale = (word: number, c: { shift: number; max: number }) => (c.max ? (((word >>> c.shift) & c.max) * 255) / c.max : 0);

  const out = new Uint8Array(h.width * h.height);
  for (let y = 0; y < h.height; y++) {
    const row = h.pixelOffset + (h.topDown ? y : h.height - 1 - y) * stride;
    const o = y * h.width;
    switch (h.bitsPerPixel) {
      case 1:
      case 4:
      case 8: {
        const bpp = h.bitsPerPixel;
        const perByte = 8 / bpp;
        const m = (1 << bpp) - 1;
        for (let x = 0; x < h.width; x++) {
          const byte = bytes[row + Math.floor(x / perByte)]!;
          const index = (byte >> (8 - bpp * ((x % perByte) + 1))) & m;
          out[o + x] = palette![index]!;
        }
        break;
      }
      case 24:
        for (let x = 0; x < h.width; x++) {
          const p = row + 3 * x;
          out[o + x] = luma(bytes[p + 2]!, bytes[p + 1]!, bytes[p]!);
        }
        break;
      case 16:
      case 32:
        for (let x = 0; x < h.width; x++) {
          const word = h.bitsPerPixel === 16 ? v.getUint16(row + 2 * x, true) : v.getUint32(row + 4 * x, true);
          out[o + x] = luma(scale(word, rc), scale(word, gc), scale(word, bc));
        }
        break;
    }
  }
  return out;
}
