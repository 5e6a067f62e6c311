// The card's 'jpeg-dct-grey-area' read: a JPEG's luma decoded by libjpeg at the largest DCT scale
// that still covers the letterbox (codecs/native-jpeg.ts), then area averaged to it, the way the
// reference letterbox averages the full image. From the bytes already read and hashed, so the
// pixels are those of the file's recorded version without opening it again.
import { nativeJpeg, NativeJpegFailure } from '../codecs/native-jpeg.js';
import type { ReducedGrey } from '../types.js';
import { jpegDctScale } from './jpeg-reduced.js';
import type { RasterHeader } from './import-raster.js';

/** Whether this JPEG's grey is its luma: 8-bit grey or colour, stored upright. */
export function lumaReadable(header: RasterHeader): boolean {
  return (header.photometric === 'RGB' || header.photometric === 'MONOCHROME2') && header.bitsStored === 8 && header.exifOrientation === 1;
}

/**
 * The JPEG's grey at 1/f scale, f the largest DCT scale covering w x h: area averaged to exactly
 * w x h when `resample`, else the scaled pixels themselves (for a caller that windows first).
 * Undefined where the native reader is absent, nothing would be shrunk, or libjpeg refuses the
 * stream: the other readers then decide, and say why if the file is damaged.
 */
export async function decodeJpegGreyScaled(bytes: Uint8Array, header: RasterHeader, w: number, h: number, resample: boolean): Promise<ReducedGrey | undefined> {
  const jpeg = nativeJpeg();
  if (!jpeg || !lumaReadable(header)) return undefined;
  const f = jpegDctScale(header.width, header.height, w, h);
  if (f === 1) return undefined;
  let r;
  try {
    r = await jpeg.decodeGreyScaled(bytes, f as 2 | 4 | 8, header, resample ? { width: w, height: h } : undefined);
  } catch (e) {
    if (e instanceof NativeJpegFailure) return undefined;
    throw e;
  }
  return {
    read: 'jpeg-dct-grey-area',
    width: r.width,
    height: r.height,
    pixels: r.pixels,
    // scaled pixel i is the mean of source pixels [f i, f i + f); the last partial one is dropped
    span: { x0: 0, y0: 0, width: f * r.decodedWidth, height: f * r.decodedHeight },
  };
}
