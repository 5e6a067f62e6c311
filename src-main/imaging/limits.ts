// Size limits are checked from headers, before any pixel buffer is allocated, so a file that
// declares absurd dimensions (a decompression bomb) costs nothing to refuse.
import { AppError } from '../../src-shared/errors.js';
import type { SizeLimits } from './types.js';

export const DEFAULT_LIMITS: SizeLimits = {
  // A cephalogram covers ~20 cm; below 256 px a landmark would be more than a millimetre wide.
  minSide: 256,
  // a film scanned at 600 dpi (24 x 30 cm) is 40 megapixels; a compressed header declaring far more
  // would cost seconds of decoding and gigabytes of memory at every open
  maxPixels: 64_000_000,
  // Buffers larger than this are beyond what one radiograph plausibly needs (and near V8's limits).
  maxFileBytes: 1536 * 1024 * 1024,
  // a multi-frame series of a few hundred cephalogram-sized frames; beyond it the header is a bomb
  maxDeclaredBytes: 2 * 1024 * 1024 * 1024,
};

export function resolveLimits(overrides?: Partial<SizeLimits>): SizeLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

/** A DICOM header's pixel data, all frames and samples, against the limit: before any decoding. */
export function checkDeclaredBytes(h: { rows: number; columns: number; frameCount: number; samplesPerPixel: number; bitsAllocated: number }, limits: SizeLimits): void {
  const bytes = h.rows * h.columns * h.frameCount * h.samplesPerPixel * Math.ceil(h.bitsAllocated / 8);
  if (bytes > limits.maxDeclaredBytes) {
    throw new AppError(
      'too_large',
      `DICOM image declares ${h.frameCount} frame(s) of ${h.columns} x ${h.rows} x ${h.samplesPerPixel} samples of ${h.bitsAllocated} bits: ${(bytes / 2 ** 30).toFixed(1)} GiB of pixels; the limit is ${(limits.maxDeclaredBytes / 2 ** 30).toFixed(0)} GiB`,
      { declaredBytes: bytes, maxDeclaredBytes: limits.maxDeclaredBytes },
    );
  }
}

export function checkDimensions(width: number, height: number, limits: SizeLimits, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new AppError('corrupt', `${what} declares an invalid image size ${width} x ${height}`, { width, height });
  }
  if (width < limits.minSide || height < limits.minSide) {
    throw new AppError(
      'too_small',
      `${what} is ${width} x ${height} pixels; at least ${limits.minSide} x ${limits.minSide} is needed for landmark detection`,
      { width, height, minSide: limits.minSide },
    );
  }
  if (width * height > limits.maxPixels) {
    throw new AppError(
      'too_large',
      `${what} declares ${width} x ${height} pixels (${((width * height) / 1e6).toFixed(0)} megapixels); the limit is ${limits.maxPixels / 1e6} megapixels`,
      { width, height, maxPixels: limits.maxPixels },
    );
  }
}
