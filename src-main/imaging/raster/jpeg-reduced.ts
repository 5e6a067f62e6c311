// A JPEG decoded straight to a small size, for the model. libjpeg can decode at 1/2, 1/4 or 1/8
// scale in the DCT domain, skipping most of the inverse transform and the full-size colour
// conversion, and libvips resamples that small image with Lanczos-3. For a 1935 x 2400
// cephalogram this costs about a quarter of a full decode followed by area averaging, which took
// as long as the model itself. Whether a model may be fed this way is the model card's decision
// (input.reduced_decode), made after measuring the app's accuracy with it.
import sharp from 'sharp';
import { colourToGrey } from '../colour.js';
import type { ReducedGrey, SizeLimits } from '../types.js';
import type { RasterHeader } from './import-raster.js';

/**
 * The factor libvips' JPEG loader shrinks by when sharp resizes W x H to w x h (sharp's
 * pipeline.cc, fastShrinkOnLoad on): the largest of 8, 4, 2 not above the smaller axis ratio,
 * halved again when the ratio's integer part equals it (sharp avoids libjpeg rounding there).
 */
export function jpegShrinkOnLoad(srcW: number, srcH: number, w: number, h: number): number {
  const shrink = Math.min(srcW / w, srcH / h);
  let f = shrink >= 8 ? 8 : shrink >= 4 ? 4 : shrink >= 2 ? 2 : 1;
  if (f > 1 && Math.floor(shrink) === f) f /= 2;
  return f;
}

/**
 * The JPEG at exactly w x h grey pixels, or undefined where this path does not apply (CMYK,
 * 12/16-bit, an EXIF rotation, or nothing to shrink on load) and the full decode must be used.
 */
export async function decodeJpegReduced(
  bytes: Uint8Array,
  header: RasterHeader,
  w: number,
  h: number,
  limits: SizeLimits,
): Promise<ReducedGrey | undefined> {
  const colour = header.photometric === 'RGB';
  if ((!colour && header.photometric !== 'MONOCHROME2') || header.bitsStored !== 8 || header.exifOrientation !== 1) return undefined;
  const factor = jpegShrinkOnLoad(header.width, header.height, w, h);
  if (factor === 1) return undefined;
  const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'warning' })
    .resize(w, h, { fit: 'fill', kernel: 'lanczos3', fastShrinkOnLoad: true })
    .toColourspace(colour ? 'srgb' : 'b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== w || info.height !== h || info.channels !== (colour ? 3 : 1)) {
    throw new Error(`reduced decode gave ${info.width} x ${info.height} x ${info.channels}, expected ${w} x ${h} x ${colour ? 3 : 1}`);
  }
  const samples = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return {
    width: w,
    height: h,
    pixels: colour ? colourToGrey(samples, w * h, 'rgb') : samples,
    // libvips' shrunk image drops the source's last partial block of pixels (1935 -> 967 at
    // 1/2, not 968), and the resample then spreads the rest over w x h
    span: { x0: 0, y0: 0, width: factor * Math.floor(header.width / factor), height: factor * Math.floor(header.height / factor) },
  };
}
