// The shape every importer returns. The metadata half is a zod schema because it crosses process
// and storage boundaries (IPC, the loopback API, the case database); the pixels never do as JSON.
import { z } from 'zod';
import type { ReducedDecode } from '../../src-shared/model-card.js';

export const IMAGE_FORMATS = ['dicom', 'png', 'jpeg', 'tiff', 'bmp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const WINDOW_SOURCES = ['voi_lut', 'window', 'percentile', 'none'] as const;
export type WindowSource = (typeof WINDOW_SOURCES)[number];

/**
 * How stored values were mapped to 0..255, in modality units (after RescaleSlope/Intercept).
 * Follows the DICOM linear window (PS3.3 C.11.2.1.2.1); 'none' means the data already were 8-bit
 * and were copied as they are (centre 128, width 256 is that identity).
 */
export const WindowSchema = z.object({
  centre: z.number(),
  width: z.number(),
  source: z.enum(WINDOW_SOURCES),
});
export type WindowUsed = z.infer<typeof WindowSchema>;

/** Where a physical pixel size came from (see dicom/spacing.ts for the order of preference). */
export const MEASURED_SPACING_SOURCES = [
  'PixelSpacing',
  'ImagerPixelSpacing',
  'ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor',
] as const;
export const SPACING_SOURCES = [...MEASURED_SPACING_SOURCES, 'none'] as const;
export type SpacingSource = (typeof SPACING_SOURCES)[number];

/**
 * rowMm: distance between row centres (vertical); colMm: between column centres (horizontal).
 * A union on `source`, so code that checked `source !== 'none'` gets numbers, not nulls.
 */
export const SpacingSchema = z.discriminatedUnion('source', [
  z.object({
    rowMm: z.number().positive(),
    colMm: z.number().positive(),
    source: z.enum(MEASURED_SPACING_SOURCES),
  }),
  z.object({ rowMm: z.null(), colMm: z.null(), source: z.literal('none') }),
]);
export type Spacing = z.infer<typeof SpacingSchema>;

export const NO_SPACING: Spacing = Object.freeze({ rowMm: null, colMm: null, source: 'none' });

/** Patient and study identity as stored in the file (DICOM only); names keep DICOM's '^'. */
export const ImageMetadataSchema = z.object({
  patientName: z.string().optional(),
  patientId: z.string().optional(),
  birthDate: z.string().optional(),
  sex: z.string().optional(),
  studyDate: z.string().optional(),
  studyDescription: z.string().optional(),
  studyInstanceUid: z.string().optional(),
  seriesInstanceUid: z.string().optional(),
  sopInstanceUid: z.string().optional(),
  modality: z.string().optional(),
  manufacturer: z.string().optional(),
});
export type ImageMetadata = z.infer<typeof ImageMetadataSchema>;

/** What a header-only read can tell. */
export const ImageProbeSchema = z.object({
  format: z.enum(IMAGE_FORMATS),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Significant bits per sample (DICOM BitsStored; 8 or 16 for rasters). */
  bitsStored: z.number().int().positive(),
  /** DICOM PhotometricInterpretation, or the raster's colour model in the same vocabulary. */
  photometric: z.string(),
  spacing: SpacingSchema,
  metadata: ImageMetadataSchema,
  transferSyntax: z.string().optional(),
  /** Frames (DICOM NumberOfFrames) or pages (TIFF); only the first is imported. */
  frameCount: z.number().int().positive(),
  sourcePath: z.string(),
  fileSize: z.number().int().nonnegative(),
});
export type ImageProbe = z.infer<typeof ImageProbeSchema>;

/** Everything about a decoded image except its pixels: safe to serialise and store. */
export const DecodedImageMetaSchema = ImageProbeSchema.extend({
  window: WindowSchema,
  /** Hex SHA-256 of the file's bytes: identifies the exact input a result was computed from. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Things a reader of the result should know (lossy source, colour dropped, frames skipped). */
  warnings: z.array(z.string()),
});
export type DecodedImageMeta = z.infer<typeof DecodedImageMetaSchema>;

export interface DecodedImage extends DecodedImageMeta {
  /** 8-bit grey, row-major, width * height bytes; 0 is black as it should be displayed. */
  pixels: Uint8Array;
}

/** A smaller grey image (0..255) resampled from the source region [x0, x0 + width) x
 *  [y0, y0 + height) of its span: pixel i's centre lies at x0 + (i + 0.5) * width / w - 0.5. */
export interface ReducedGrey {
  /** the reduced read that made it, in the model card's words */
  read: ReducedDecode;
  width: number;
  height: number;
  pixels: Uint8Array | Float32Array;
  span: { x0: number; y0: number; width: number; height: number };
}

/** What a read for the model holds: full-size pixels, or only a reduced copy when the decoder
 *  could produce one directly (raster/jpeg-reduced.ts, dicom/reduced-frame.ts). */
export type ModelPixels = { pixels: Uint8Array; reduced?: undefined } | { pixels?: undefined; reduced: ReducedGrey };

export type ModelReadyImage = DecodedImageMeta & ModelPixels;

export interface ImportOptions {
  /** A multi-frame DICOM or multi-page TIFF: import frame 0 (default) or refuse. */
  multiFrame?: 'first' | 'refuse';
  /** Overrides of the size limits in limits.ts (tests and special cases). */
  limits?: Partial<SizeLimits>;
}

export interface SizeLimits {
  /** Smallest acceptable width and height in pixels. */
  minSide: number;
  /** Largest acceptable width * height. */
  maxPixels: number;
  /** Largest file we read into memory, in bytes. */
  maxFileBytes: number;
  /** what a DICOM's header declares its pixel data to be, all frames: rows x columns x frames x samples x bytes per sample */
  maxDeclaredBytes: number;
}
