// DICOM bytes → 8-bit grey image plus what the file says about it.
import { AppError } from '../../../src-shared/errors.js';
import { checkDeclaredBytes, checkDimensions } from '../limits.js';
import type { ImportOptions, ModelPixels, SizeLimits, WindowUsed } from '../types.js';
import type { ReduceTo } from '../raster/import-raster.js';
import { readReducedFrame } from './reduced-frame.js';
import { toGrey } from './to-grey.js';
import { parseDicomBytes } from './parse.js';
import { readImageHeader, type DicomImageHeader } from './header.js';
import { firstFrameBytes } from './frame.js';
import { decodeFirstFrame } from './decode-frame.js';

export type DicomImport = {
  header: DicomImageHeader;
  window: WindowUsed;
  warnings: string[];
} & ModelPixels;

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
  checkDeclaredBytes(h, limits);
  checkFrames(h, opts, warnings);
  if (h.syntax.lossy) warnings.push(`Pixel data use a possibly lossy compression (${h.syntax.name})`);
  if (h.samplesPerPixel === 3) warnings.push(`Colour image (${h.photometric}) converted to grey`);

  const encoded = firstFrameBytes(dataSet, h);
  const r = reduceTo ? await readReducedFrame(encoded, h, reduceTo, limits) : undefined;
  if (r) return { header: h, reduced: r.reduced, window: r.window, warnings };
  const frame = await decodeFirstFrame(encoded, h);
  const { pixels, window } = toGrey(frame.samples, h.rows * h.columns, h);
  return { header: h, pixels, window, warnings };
}
