// DICOM bytes → 8-bit grey image plus what the file says about it.
import { AppError } from '../../../src-shared/errors.js';
import { checkDimensions } from '../limits.js';
import type { ImportOptions, SizeLimits, WindowUsed } from '../types.js';
import { renderGrey } from '../window.js';
import { colourToGrey, type ColourLayout } from '../colour.js';
import { interleavePlanes } from '../codecs/frame.js';
import { parseDicomBytes } from './parse.js';
import { readImageHeader, type DicomImageHeader } from './header.js';
import { firstFrameBytes } from './frame.js';
import { decodeFirstFrame } from './decode-frame.js';

export interface DicomImport {
  header: DicomImageHeader;
  pixels: Uint8Array;
  window: WindowUsed;
  warnings: string[];
}

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

export async function importDicom(bytes: Uint8Array, opts: ImportOptions, limits: SizeLimits): Promise<DicomImport> {
  const { dataSet } = parseDicomBytes(bytes);
  const h = readImageHeader(dataSet);
  const warnings = [...h.warnings];
  checkDimensions(h.columns, h.rows, limits, 'DICOM image');
  checkFrames(h, opts, warnings);
  if (h.syntax.lossy) warnings.push(`Pixel data use a possibly lossy compression (${h.syntax.name})`);

  const frame = await decodeFirstFrame(firstFrameBytes(dataSet, h), h);
  const pixelCount = h.rows * h.columns;

  if (h.samplesPerPixel === 3) {
    let samples = frame.samples;
    const native = h.syntax.encoding.includes('native');
    if (native && h.planarConfiguration === 1 && h.photometric !== 'YBR_FULL_422') {
      samples = interleavePlanes(samples.subarray(0, pixelCount * 3), 3);
    }
    warnings.push(`Colour image (${h.photometric}) converted to grey`);
    return {
      header: h,
      pixels: colourToGrey(samples, pixelCount, colourLayout(h)),
      window: { centre: 128, width: 256, source: 'none' },
      warnings,
    };
  }

  const { pixels, window } = renderGrey({
    samples: frame.samples.length === pixelCount ? frame.samples : frame.samples.subarray(0, pixelCount),
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
  return { header: h, pixels, window, warnings };
}
