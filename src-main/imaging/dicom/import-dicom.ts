// DICOM bytes → 8-bit grey image plus what the file says about it.
import { AppError } from '../../../src-shared/errors.js';
import { checkDimensions } from '../limits.js';
import type { ImportOptions, ReducedGrey, SizeLimits, WindowUsed } from '../types.js';
import type { ReduceTo } from '../raster/import-raster.js';
import { areaResampleInto } from '../resample.js';
import { decodeJpeg2000Reduced, jpeg2000Levels } from '../codecs/openjpeg.js';
import { CodecFailure, describeThrown } from '../codecs/wasm-codec.js';
import { readJpegFrameHeader } from '../codecs/jpeg-markers.js';
import { decodeJpegReduced } from '../raster/jpeg-reduced.js';
import { renderGrey } from '../window.js';
import { colourToGrey, type ColourLayout } from '../colour.js';
import { interleavePlanes } from '../codecs/frame.js';
import { parseDicomBytes } from './parse.js';
import { readImageHeader, type DicomImageHeader } from './header.js';
import { firstFrameBytes } from './frame.js';
import { decodeFirstFrame } from './decode-frame.js';

export type DicomImport = {
  header: DicomImageHeader;
  window: WindowUsed;
  warnings: string[];
} & ({ pixels: Uint8Array; reduced?: undefined } | { pixels?: undefined; reduced: ReducedGrey });

function colourLayout(h: DicomImageHeader): ColourLayout {
  // JPEG and JPEG 2000 decoders undo the colour transform themselves and return RGB.
  if (h.syntax.encoding === 'jpeg' || h.syntax.encoding === 'jpeg2000') return 'rgb';
  if (h.photometric === 'YBR_FULL') return 'ybr-full';
  if (h.photometric === 'YBR_FULL_422') return h.syntax.encoding.includes('native') ? 'ybr-full-422' : 'ybr-full';
  return 'rgb';
}

export function checkFrames(h: DicomImageHeader, opts: ImportOptions, warnings: string[]): void {
  if (h.frameCount <= 1) return;
  if (opts.multiFrame === 'refuse') {
    throw new AppError(
      'unsupported',
      `DICOM file holds ${h.frameCount} frames (Number of Frames); a cephalogram is a single image and multi-frame import is set to refuse`,
      { frameCount: h.frameCount },
    );
  }
  warnings.push(`Multi-frame DICOM: frame 1 of ${h.frameCount} imported`);
}

export async function importDicom(bytes: Uint8Array, opts: ImportOptions, limits: SizeLimits, reduceTo?: ReduceTo): Promise<DicomImport> {
  const { dataSet } = parseDicomBytes(bytes);
  const h = readImageHeader(dataSet);
  const warnings = [...h.warnings];
  checkDimensions(h.columns, h.rows, limits, 'DICOM image');
  checkFrames(h, opts, warnings);
  if (h.syntax.lossy) warnings.push(`Pixel data use a possibly lossy compression (${h.syntax.name})`);
  if (h.samplesPerPixel === 3) warnings.push(`Colour image (${h.photometric}) converted to grey`);

  const encoded = firstFrameBytes(dataSet, h);
  const kind = reducibleKind(h, encoded);
  const target = kind ? reduceTo?.(h.columns, h.rows, kind) : undefined;
  if (target && kind === 'jpeg') {
    const r = await reducedJpegFrame(encoded, h, target, limits);
    if (r) return { header: h, reduced: r.reduced, window: r.window, warnings };
  }
  const level = target && kind === 'jpeg2000' ? reductionLevel(h, encoded, target) : 0;
  if (target && level > 0) {
    const frame = await decodeReducedFrame(encoded, h, level);
    const { pixels: small, window } = toGrey(frame.samples, frame.width * frame.height, h);
    const pixels = new Float32Array(target.width * target.height);
    areaResampleInto(small, frame.width, frame.height, target.width, target.height, pixels);
    // low-pass sample i sits on source pixel 2^level * i
    const step = 2 ** level;
    const span = { x0: 0.5 - step / 2, y0: 0.5 - step / 2, width: step * frame.width, height: step * frame.height };
    return { header: h, reduced: { width: target.width, height: target.height, pixels, span }, window, warnings };
  }
  const frame = await decodeFirstFrame(encoded, h);
  const { pixels, window } = toGrey(frame.samples, h.rows * h.columns, h);
  return { header: h, pixels, window, warnings };
}

/** Which reduced read the frame allows: JPEG 2000 always; JPEG when it is one grey 8-bit
 *  baseline, extended or progressive DCT stream, which libjpeg can decode at reduced scale. */
function reducibleKind(h: DicomImageHeader, encoded: Uint8Array): 'jpeg' | 'jpeg2000' | undefined {
  if (h.syntax.encoding === 'jpeg2000') return 'jpeg2000';
  if (h.syntax.encoding !== 'jpeg' || h.samplesPerPixel !== 1 || h.bitsAllocated !== 8) return undefined;
  const sof = readJpegFrameHeader(encoded);
  return sof && sof.precision === 8 && (sof.sof === 0 || sof.sof === 1 || sof.sof === 2) ? 'jpeg' : undefined;
}

/** A grey JPEG frame decoded at reduced scale (raster/jpeg-reduced.ts), then through the DICOM
 *  grey chain. Undefined where libjpeg will not decode it so (the full decoder then decides). */
async function reducedJpegFrame(
  encoded: Uint8Array,
  h: DicomImageHeader,
  target: { width: number; height: number },
  limits: SizeLimits,
): Promise<{ reduced: ReducedGrey; window: WindowUsed } | undefined> {
  const header = { width: h.columns, height: h.rows, bitsStored: 8, photometric: 'MONOCHROME2', frameCount: 1, exifOrientation: 1 };
  let r: ReducedGrey | undefined;
  try {
    r = await decodeJpegReduced(encoded, header, target.width, target.height, limits);
  } catch {
    return undefined; // the codec that reads it in full may be more forgiving, or say better why not
  }
  if (!r) return undefined;
  // the window applies to resampled stored values here, not before resampling: the same for a
  // linear window away from its clipping ends, and MONOCHROME1's inversion commutes with it
  const { pixels, window } = toGrey(r.pixels as Uint8Array, r.width * r.height, h);
  return { reduced: { ...r, pixels }, window };
}

/** The most levels of the JPEG 2000 wavelet that can be left undecoded and still give at least
 *  the target size; 0 where the codestream's levels cannot be read. */
function reductionLevel(h: DicomImageHeader, encoded: Uint8Array, target: { width: number; height: number }): number {
  const levels = jpeg2000Levels(encoded) ?? 0;
  let level = 0;
  while (level < levels && Math.ceil(h.columns / 2 ** (level + 1)) >= target.width && Math.ceil(h.rows / 2 ** (level + 1)) >= target.height) level++;
  return level;
}

async function decodeReducedFrame(encoded: Uint8Array, h: DicomImageHeader, level: number) {
  try {
    const frame = await decodeJpeg2000Reduced(encoded, level);
    if (frame.components !== h.samplesPerPixel) throw new Error(`decoded ${frame.components} component(s), the header says ${h.samplesPerPixel}`);
    return frame;
  } catch (e) {
    const reason = e instanceof CodecFailure ? e.message : describeThrown(e);
    throw new AppError('corrupt', `DICOM pixel data (${h.syntax.name}) could not be decoded: ${reason}`, { transferSyntax: h.transferSyntax, reason });
  }
}

/** Decoded samples (pixelCount pixels, in the header's layout) to 8-bit display grey. */
function toGrey(decoded: Uint8Array | Uint16Array, pixelCount: number, h: DicomImageHeader): { pixels: Uint8Array; window: WindowUsed } {
  if (h.samplesPerPixel === 3) {
    let samples = decoded;
    const native = h.syntax.encoding.includes('native');
    if (native && h.planarConfiguration === 1 && h.photometric !== 'YBR_FULL_422') {
      samples = interleavePlanes(samples.subarray(0, pixelCount * 3), 3);
    }
    return { pixels: colourToGrey(samples, pixelCount, colourLayout(h)), window: { centre: 128, width: 256, source: 'none' } };
  }
  return renderGrey({
    samples: decoded.length === pixelCount ? decoded : decoded.subarray(0, pixelCount),
    bitsStored: h.bitsStored,
    signed: h.signed,
    slope: h.rescaleSlope,
    intercept: h.rescaleIntercept,
    voiLut: h.voiLut,
    window: h.window,
    voiFunction: h.voiFunction,
    // Presentation LUT Shape is deliberately not applied: DX images must set it to INVERSE
    // exactly when they are MONOCHROME1 (PS3.3 C.8.11.6), so honouring both would invert twice.
    invert: h.photometric === 'MONOCHROME1',
  });
}
