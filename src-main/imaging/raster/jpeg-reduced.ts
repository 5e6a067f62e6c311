// A JPEG decoded straight to a small size, for the model. libjpeg can decode at 1/2, 1/4 or 1/8
// scale in the DCT domain, skipping most of the inverse transform and the full-size colour
// conversion, and libvips resamples that small image with Lanczos-3. Whether a model may be fed
// this way is the model card's decision (input.reduced_decode), made after measuring the app's
// accuracy with it.
//
// From a buffer, sharp picks the scale itself and never shrinks by 4 unless the output is at
// most 1/5 of the input: a 1935 x 2400 cephalogram into 413 x 512 (1/4.7) is decoded at 1/2. A
// file can be opened by libvips with its own load option (`name[shrink=4]`), which reads the
// same image at 1/4: 2-3 ms less per cephalogram, and as accurate (the model card's figures).
import sharp, { type OutputInfo } from 'sharp';
import { colourToGrey } from '../colour.js';
import { currentVersion, sameVersion, type FileVersion } from '../read-file.js';
import type { ReducedGrey, SizeLimits } from '../types.js';
import type { RasterHeader } from './import-raster.js';

/** The file the bytes were read from, as it was when they were read. */
export interface FileSource {
  path: string;
  version: FileVersion;
}

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

/** The largest DCT scale-down (8, 4, 2, else 1) whose output, as libvips crops it (the last
 *  partial block dropped), still covers w x h. */
export function jpegDctScale(srcW: number, srcH: number, w: number, h: number): number {
  for (const f of [8, 4, 2]) if (Math.floor(srcW / f) >= w && Math.floor(srcH / f) >= h) return f;
  return 1;
}

/**
 * The JPEG at exactly w x h grey pixels, or undefined where this path does not apply (CMYK,
 * 12/16-bit, an EXIF rotation, or nothing to shrink on load) and the full decode must be used.
 * With `file`, the file is read again at the largest scale the letterbox allows, where that
 * beats sharp's own choice and the file is still the one the bytes came from.
 */
export async function decodeJpegReduced(
  bytes: Uint8Array,
  header: RasterHeader,
  w: number,
  h: number,
  limits: SizeLimits,
  file?: FileSource,
): Promise<ReducedGrey | undefined> {
  const colour = header.photometric === 'RGB';
  if ((!colour && header.photometric !== 'MONOCHROME2') || header.bitsStored !== 8 || header.exifOrientation !== 1) return undefined;
  const fromFile = file && (await decodeFileAtScale(file, header, w, h, limits, colour));
  if (fromFile) return fromFile;
  const factor = jpegShrinkOnLoad(header.width, header.height, w, h);
  if (factor === 1) return undefined;
  const out = await lanczosTo(bytes, w, h, limits, colour, true);
  return reducedFrom(out, header, w, h, factor, colour);
}

/** The image (bytes, or a file name with libvips options) shrunk on load and resampled with
 *  Lanczos-3 to exactly w x h, as raw sRGB or grey. */
function lanczosTo(input: Uint8Array | string, w: number, h: number, limits: SizeLimits, colour: boolean, fastShrinkOnLoad: boolean) {
  return sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'warning' })
    .resize(w, h, { fit: 'fill', kernel: 'lanczos3', fastShrinkOnLoad })
    .toColourspace(colour ? 'srgb' : 'b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
}

/**
 * The scale a JPEG file of srcW x srcH is decoded at for w x h when it is opened by name, or
 * undefined where that gains nothing over sharp's own choice from the bytes.
 */
export function fileDctScale(srcW: number, srcH: number, w: number, h: number): number | undefined {
  const f = jpegDctScale(srcW, srcH, w, h);
  if (f <= jpegShrinkOnLoad(srcW, srcH, w, h)) return undefined;
  // with fastShrinkOnLoad off sharp shrinks on load only from a ratio of 4 up, which would
  // override the scale asked for here; only the very largest images come near that
  if (Math.min(Math.floor(srcW / f) / w, Math.floor(srcH / f) / h) >= 4) return undefined;
  return f;
}

/** libvips' filename syntax: the loader's own options after the name, in brackets. */
export function shrunkFileName(path: string, factor: number): string {
  return `${path}[shrink=${factor}]`;
}

async function decodeFileAtScale(file: FileSource, header: RasterHeader, w: number, h: number, limits: SizeLimits, colour: boolean) {
  const f = fileDctScale(header.width, header.height, w, h);
  if (!f) return undefined;
  const input = shrunkFileName(file.path, f);
  try {
    // a libvips that ignored the option would hand over the full image, in a place the span
    // below would get wrong; the header is read beside the decode, not before it
    const [meta, out] = await Promise.all([sharp(input, { limitInputPixels: false }).metadata(), lanczosTo(input, w, h, limits, colour, false)]);
    if (meta.width !== Math.floor(header.width / f) || meta.height !== Math.floor(header.height / f)) return undefined;
    // the bytes already read were hashed and described: their pixels must be these pixels
    if (!sameVersion(await currentVersion(file.path), file.version)) return undefined;
    return reducedFrom(out, header, w, h, f, colour);
  } catch {
    // a damaged or vanished file: the bytes in hand are decoded as usual and say why
    return undefined;
  }
}

function reducedFrom(
  { data, info }: { data: Buffer; info: OutputInfo },
  header: RasterHeader,
  w: number,
  h: number,
  factor: number,
  colour: boolean,
): ReducedGrey {
  if (info.width !== w || info.height !== h || info.channels !== (colour ? 3 : 1)) {
    throw new Error(`reduced decode gave ${info.width} x ${info.height} x ${info.channels}, expected ${w} x ${h} x ${colour ? 3 : 1}`);
  }
  const samples = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return {
    read: 'jpeg-dct-lanczos3',
    width: w,
    height: h,
    pixels: colour ? colourToGrey(samples, w * h, 'rgb') : samples,
    // libvips' shrunk image drops the source's last partial block of pixels (1935 -> 967 at
    // 1/2, not 968), and the resample then spreads the rest over w x h
    span: { x0: 0, y0: 0, width: factor * Math.floor(header.width / factor), height: factor * Math.floor(header.height / factor) },
  };
}
