// PNG, JPEG and TIFF through sharp; BMP through our reader. The header is read first and the
// size limits applied before any pixels are decoded.
import sharp from 'sharp';
import { AppError } from '../../../src-shared/errors.js';
import { checkDimensions } from '../limits.js';
import type { ImageFormat, ImportOptions, ModelPixels, ReducedGrey, SizeLimits, WindowUsed } from '../types.js';
import { decodeJpegReduced, type FileSource } from './jpeg-reduced.js';
import { decodeJpegGreyScaled, lumaReadable } from './jpeg-grey-area.js';
import type { ReducedDecode } from '../../../src-shared/model-card.js';
import { identityWindow, renderGrey } from '../window.js';
import { decodeBmp, readBmpHeader } from './bmp.js';
import { readPngHeader } from './png-header.js';
import { readJpegFrameHeader, type JpegFrameHeader } from '../codecs/jpeg-markers.js';
import { colourToGrey } from '../colour.js';

export type RasterFormat = Exclude<ImageFormat, 'dicom'>;

export interface RasterHeader {
  width: number;
  height: number;
  bitsStored: number;
  /** In DICOM's vocabulary, so both kinds of input read the same. */
  photometric: string;
  frameCount: number;
  /** EXIF orientation, 1 (as stored) where the file has none */
  exifOrientation: number;
}

export type RasterImport = {
  header: RasterHeader;
  window: WindowUsed;
  warnings: string[];
} & ModelPixels;

/** The size a reduced read of this kind (the model card's name for it) should give for an image
 *  of width x height, if that read is wanted. */
export type ReduceTo = (width: number, height: number, kind: ReducedDecode) => { width: number; height: number } | undefined;

const NAMES: Record<RasterFormat, string> = { png: 'PNG', jpeg: 'JPEG', tiff: 'TIFF', bmp: 'BMP' };

function sharpFailure(e: unknown, format: RasterFormat): AppError {
  const reason = e instanceof Error ? e.message : String(e);
  if (/pixel limit/i.test(reason)) return new AppError('too_large', `${NAMES[format]} image exceeds the pixel limit: ${reason}`, { reason });
  if (/unsupported image format/i.test(reason)) {
    return new AppError('not_an_image', `The file looks like ${NAMES[format]} but is not a readable image: ${reason}`, { reason });
  }
  return new AppError('corrupt', `${NAMES[format]} image could not be decoded (damaged or truncated?): ${reason.trim()}`, { reason });
}

function photometricOf(space: string | undefined, channels: number | undefined): string {
  if (space === 'cmyk') return 'CMYK';
  if (space === 'b-w' || space === 'grey16' || channels === 1 || channels === 2) return 'MONOCHROME2';
  return 'RGB';
}

function sharpInput(bytes: Uint8Array, limits: SizeLimits) {
  // limitInputPixels is a second guard behind our own header check; failOn 'warning' makes a
  // truncated stream an error instead of an image padded with grey.
  return sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'warning' });
}

/** Width and height as the file's own header declares them, read without any decoder (for a
 *  JPEG, with the rest of its frame header). TIFF keeps its directory anywhere in the file, so it
 *  is left to sharp's header reader. */
export function declaredSize(bytes: Uint8Array, format: RasterFormat): { width: number; height: number; jpeg?: JpegFrameHeader } | undefined {
  if (format === 'png') return readPngHeader(bytes);
  if (format === 'bmp') return readBmpHeader(bytes);
  if (format === 'jpeg') {
    const sof = readJpegFrameHeader(bytes);
    if (!sof) throw new AppError('corrupt', 'JPEG file is damaged: no frame header (SOF) before the image data');
    return { width: sof.width, height: sof.height, jpeg: sof };
  }
  return undefined;
}

export async function readRasterHeader(bytes: Uint8Array, format: RasterFormat): Promise<RasterHeader> {
  if (format === 'bmp') {
    const h = readBmpHeader(bytes);
    return { width: h.width, height: h.height, bitsStored: 8, photometric: h.bitsPerPixel <= 8 ? 'MONOCHROME2' : 'RGB', frameCount: 1, exifOrientation: 1 };
  }
  if (format === 'png') {
    const h = readPngHeader(bytes);
    const grey = h.colourType === 0 || h.colourType === 4;
    return { width: h.width, height: h.height, bitsStored: h.bitDepth === 16 ? 16 : 8, photometric: grey ? 'MONOCHROME2' : 'RGB', frameCount: 1, exifOrientation: 1 };
  }
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    // Metadata reads only the header, whatever the declared size; nothing is decoded.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw sharpFailure(e, format);
  }
  if (!meta.width || !meta.height) throw new AppError('corrupt', `${NAMES[format]} header gives no image size`);
  // EXIF orientations 5-8 are stored rotated by 90°: report the size the image will have.
  const swap = (meta.orientation ?? 1) >= 5;
  return {
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    bitsStored: meta.depth === 'ushort' || meta.depth === 'short' ? 16 : 8,
    photometric: photometricOf(meta.space, meta.channels),
    frameCount: meta.pages && meta.pages > 1 ? meta.pages : 1,
    exifOrientation: meta.orientation ?? 1,
  };
}

async function decodeWithSharp(bytes: Uint8Array, format: RasterFormat, header: RasterHeader, limits: SizeLimits) {
  const sixteen = header.bitsStored === 16;
  if (!sixteen && header.photometric !== 'MONOCHROME2') return decodeColour8(bytes, format, limits);
  try {
    const { data, info } = await sharpInput(bytes, limits)
      .autoOrient()
      .removeAlpha()
      // grey16 keeps 16-bit data as one channel; without it sharp squeezes them into 8-bit RGB.
      .toColourspace(sixteen ? 'grey16' : 'b-w')
      .raw(sixteen ? { depth: 'ushort' } : undefined)
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected one grey channel, got ${info.channels}`);
    const samples = sixteen
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength >> 1)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { samples, width: info.width, height: info.height };
  } catch (e) {
    throw sharpFailure(e, format);
  }
}

/** 8-bit colour: decoded to sRGB and reduced to luma here. libvips' own 'b-w' goes through linear
 *  light, which costs twice the decode and is not the luma Pillow gives the training data. */
async function decodeColour8(bytes: Uint8Array, format: RasterFormat, limits: SizeLimits) {
  try {
    const { data, info } = await sharpInput(bytes, limits).autoOrient().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected three colour channels, got ${info.channels}`);
    const rgb = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { samples: colourToGrey(rgb, info.width * info.height, 'rgb'), width: info.width, height: info.height };
  } catch (e) {
    throw sharpFailure(e, format);
  }
}

/**
 * The native luma read of a JPEG, started from its frame header alone (already size-checked) so
 * that it runs beside sharp's header read and the hashing. Its result is used only where the full
 * header then agrees (readJpegReduced); it never rejects: a failure means the other readers decide.
 */
function startGreyRead(bytes: Uint8Array, sof: JpegFrameHeader, reduceTo: ReduceTo): EarlyRead | undefined {
  const target = reduceTo(sof.width, sof.height, 'jpeg-dct-grey-area');
  if (!target || sof.precision !== 8 || (sof.components !== 1 && sof.components !== 3)) return undefined;
  const assumed = { width: sof.width, height: sof.height, bitsStored: 8, photometric: sof.components === 1 ? 'MONOCHROME2' : 'RGB', frameCount: 1, exifOrientation: 1 };
  return { assumed, result: decodeJpegGreyScaled(bytes, assumed, target.width, target.height, true).catch(() => undefined) };
}

interface EarlyRead {
  assumed: RasterHeader;
  result: Promise<ReducedGrey | undefined>;
}

/** A JPEG read straight to the model's size by the cheapest reader the card allows that takes
 *  it: the native luma decode (started early), else sharp's; undefined where neither applies. */
async function readJpegReduced(
  bytes: Uint8Array,
  header: RasterHeader,
  reduceTo: ReduceTo,
  limits: SizeLimits,
  file: FileSource | undefined,
  early: EarlyRead | undefined,
): Promise<ReducedGrey | undefined> {
  // the early read assumed an upright 8-bit grey or colour image of the frame header's size
  const agrees = early && lumaReadable(header) && header.width === early.assumed.width && header.height === early.assumed.height;
  const native = agrees && (await early.result);
  if (native) return native;
  const target = reduceTo(header.width, header.height, 'jpeg-dct-lanczos3');
  return target && decodeJpegReduced(bytes, header, target.width, target.height, limits, file);
}

export async function importRaster(
  bytes: Uint8Array,
  format: RasterFormat,
  opts: ImportOptions,
  limits: SizeLimits,
  reduceTo?: ReduceTo,
  /** where the bytes came from, for a reduced read that opens the file itself */
  file?: FileSource,
): Promise<RasterImport> {
  const declared = declaredSize(bytes, format);
  if (declared) checkDimensions(declared.width, declared.height, limits, `${NAMES[format]} image`);
  const early = declared?.jpeg && reduceTo ? startGreyRead(bytes, declared.jpeg, reduceTo) : undefined;
  const header = await readRasterHeader(bytes, format);
  checkDimensions(header.width, header.height, limits, `${NAMES[format]} image`);
  const warnings: string[] = [];
  if (header.frameCount > 1) {
    if (opts.multiFrame === 'refuse') {
      throw new AppError('unsupported', `${NAMES[format]} file holds ${header.frameCount} pages; multi-page import is set to refuse`, {
        frameCount: header.frameCount,
      });
    }
    warnings.push(`Multi-page ${NAMES[format]}: page 1 of ${header.frameCount} imported`);
  }
  if (header.photometric !== 'MONOCHROME2') warnings.push(`Colour image (${header.photometric}) converted to grey`);
  if (format === 'jpeg') warnings.push('JPEG is a lossy format');

  if (format === 'bmp') {
    const pixels = decodeBmp(bytes, readBmpHeader(bytes));
    return { header, pixels, window: identityWindow(), warnings };
  }
  if (format === 'jpeg' && reduceTo) {
    let reduced: ReducedGrey | undefined;
    try {
      reduced = await readJpegReduced(bytes, header, reduceTo, limits, file, early);
    } catch (e) {
      throw sharpFailure(e, format);
    }
    if (reduced) return { header, reduced, window: identityWindow(), warnings };
  }
  const decoded = await decodeWithSharp(bytes, format, header, limits);
  if (decoded.width !== header.width || decoded.height !== header.height) {
    throw new AppError('corrupt', `${NAMES[format]} decoded to ${decoded.width} x ${decoded.height}, but its header says ${header.width} x ${header.height}`);
  }
  const { pixels, window } = renderGrey({ samples: decoded.samples, bitsStored: header.bitsStored, signed: false });
  return { header, pixels, window, warnings };
}
