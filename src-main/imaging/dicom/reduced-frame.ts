// The model path's cheap reads of a compressed DICOM frame, straight to about the letterbox size:
// JPEG 2000 decoded only down to a wavelet low-pass band, a grey 8-bit JPEG at reduced scale in
// the DCT domain. Undefined wherever neither applies; the caller then decodes in full.
import { AppError } from '../../../src-shared/errors.js';
import { decodeJpeg2000Reduced, jpeg2000Levels } from '../codecs/openjpeg.js';
import { readJpegFrameHeader } from '../codecs/jpeg-markers.js';
import { CodecFailure, describeThrown } from '../codecs/wasm-codec.js';
import type { ReduceTo } from '../raster/import-raster.js';
import { decodeJpegReduced } from '../raster/jpeg-reduced.js';
import { decodeJpegGreyScaled } from '../raster/jpeg-grey-area.js';
import { areaResampleInto } from '../resample.js';
import type { ReducedGrey, SizeLimits, WindowUsed } from '../types.js';
import type { DicomImageHeader } from './header.js';
import { toGrey } from './to-grey.js';

type Reduced = { reduced: ReducedGrey; window: WindowUsed };

export async function readReducedFrame(encoded: Uint8Array, h: DicomImageHeader, reduceTo: ReduceTo, limits: SizeLimits): Promise<Reduced | undefined> {
  const kind = reducibleKind(h, encoded);
  if (kind === 'jpeg2000') {
    const target = reduceTo(h.columns, h.rows, 'jpeg2000-lowpass-area');
    return target && reducedJpeg2000Frame(encoded, h, target);
  }
  if (kind !== 'jpeg') return undefined;
  const grey = reduceTo(h.columns, h.rows, 'jpeg-dct-grey-area');
  const native = grey && (await greyJpegFrame(encoded, h, grey));
  if (native) return native;
  const target = reduceTo(h.columns, h.rows, 'jpeg-dct-lanczos3');
  return target && reducedJpegFrame(encoded, h, target, limits);
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
): Promise<Reduced | undefined> {
  let r: ReducedGrey | undefined;
  try {
    r = await decodeJpegReduced(encoded, frameHeader(h), target.width, target.height, limits);
  } catch {
    return undefined; // the codec that reads it in full may be more forgiving, or say better why not
  }
  if (!r) return undefined;
  // the window applies to resampled stored values here, not before resampling: the same for a
  // linear window away from its clipping ends, and MONOCHROME1's inversion commutes with it
  const { pixels, window } = toGrey(r.pixels as Uint8Array, r.width * r.height, h);
  return { reduced: { ...r, pixels }, window };
}

/** A grey JPEG frame decoded natively at reduced scale, through the DICOM grey chain, then area
 *  averaged (the order the JPEG 2000 read below keeps too). */
async function greyJpegFrame(encoded: Uint8Array, h: DicomImageHeader, target: { width: number; height: number }): Promise<Reduced | undefined> {
  const r = await decodeJpegGreyScaled(encoded, frameHeader(h), target.width, target.height, false);
  if (!r) return undefined;
  const { pixels: small, window } = toGrey(r.pixels as Uint8Array, r.width * r.height, h);
  const pixels = new Float32Array(target.width * target.height);
  areaResampleInto(small, r.width, r.height, target.width, target.height, pixels);
  return { reduced: { read: r.read, width: target.width, height: target.height, pixels, span: r.span }, window };
}

function frameHeader(h: DicomImageHeader) {
  return { width: h.columns, height: h.rows, bitsStored: 8, photometric: 'MONOCHROME2', frameCount: 1, exifOrientation: 1 };
}

async function reducedJpeg2000Frame(encoded: Uint8Array, h: DicomImageHeader, target: { width: number; height: number }): Promise<Reduced | undefined> {
  const level = reductionLevel(h, encoded, target);
  if (level === 0) return undefined;
  const frame = await decodeReducedFrame(encoded, h, level);
  const { pixels: small, window } = toGrey(frame.samples, frame.width * frame.height, h);
  const pixels = new Float32Array(target.width * target.height);
  areaResampleInto(small, frame.width, frame.height, target.width, target.height, pixels);
  // low-pass sample i sits on source pixel 2^level * i
  const step = 2 ** level;
  const span = { x0: 0.5 - step / 2, y0: 0.5 - step / 2, width: step * frame.width, height: step * frame.height };
  return { reduced: { read: 'jpeg2000-lowpass-area', width: target.width, height: target.height, pixels, span }, window };
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
