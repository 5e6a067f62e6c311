// The import service: a path in, an 8-bit grey image and its description out, or a typed
// AppError. Dispatch is by content, never by file name.
import { sha256Hex } from '../util/sha256.js';
import { AppError } from '../../src-shared/errors.js';
import { readHead, readWholeFile, statImageFile } from './read-file.js';
import { SNIFF_BYTES, sniffFormat } from './sniff.js';
import { resolveLimits } from './limits.js';
import { notAnImage, probeImage } from './probe.js';
import { NO_SPACING, type DecodedImage, type ImportOptions, type ModelReadyImage } from './types.js';
import { importDicom } from './dicom/import-dicom.js';
import { describedHeader } from './dicom/header.js';
import { importRaster, type ReduceTo } from './raster/import-raster.js';

export { sniffFormat } from './sniff.js';
export { probeImage };
export type { DecodedImage, DecodedImageMeta, ImageProbe, ImportOptions, ImageFormat, ModelReadyImage, ReducedGrey } from './types.js';
export type { ReduceTo } from './raster/import-raster.js';

export async function importImage(filePath: string, opts: ImportOptions = {}): Promise<DecodedImage> {
  return (await readImage(filePath, opts)) as DecodedImage;
}

/**
 * For the model: like importImage, but a JPEG or a JPEG 2000 DICOM comes back only as a reduced
 * copy of the size reduceTo asks for, where its decoder can produce one cheaply. Everything else
 * (the checks, the description, the hash) is as importImage gives it, except that a window
 * taken from the image's own percentiles is taken from the reduced copy's.
 */
export async function importImageReduced(filePath: string, reduceTo: ReduceTo, opts: ImportOptions = {}): Promise<ModelReadyImage> {
  return readImage(filePath, opts, reduceTo);
}

async function readImage(filePath: string, opts: ImportOptions, reduceTo?: ReduceTo): Promise<ModelReadyImage> {
  const limits = resolveLimits(opts.limits);
  // the type from the first bytes, before the whole file is read: a large file of something else
  // (a video, a text named .dcm) is refused at the cost of one small read
  await statImageFile(filePath, limits.maxFileBytes); // missing, empty, a folder, too large: said first
  const head = await readHead(filePath, SNIFF_BYTES);
  if (!sniffFormat(head)) throw notAnImage(filePath, head);
  const { bytes, version } = await readWholeFile(filePath, limits.maxFileBytes);
  const format = sniffFormat(bytes);
  if (!format) throw notAnImage(filePath, bytes);
  // decoding starts first (decoders run on libuv's thread pool), and the hash is taken meanwhile
  const dicom = format === 'dicom' ? importDicom(bytes, opts, limits, reduceTo) : undefined;
  const raster = format === 'dicom' ? undefined : importRaster(bytes, format, opts, limits, reduceTo, { path: filePath, version });
  (dicom ?? raster)!.catch(() => undefined); // awaited below; this only keeps a rejection from counting as unhandled meanwhile
  const common = {
    format,
    sourcePath: filePath,
    fileSize: bytes.length,
    sha256: sha256Hex(bytes),
  };

  try {
    if (dicom) {
      const r = await dicom;
      const meta = { ...common, ...describedHeader(r.header), window: r.window, warnings: r.warnings };
      return r.reduced ? { ...meta, reduced: r.reduced } : { ...meta, pixels: r.pixels };
    }
    const r = await raster!;
    const meta = {
      ...common,
      width: r.header.width,
      height: r.header.height,
      window: r.window,
      bitsStored: r.header.bitsStored,
      photometric: r.header.photometric,
      spacing: { ...NO_SPACING },
      metadata: {},
      frameCount: r.header.frameCount,
      warnings: r.warnings,
    };
    return r.reduced ? { ...meta, reduced: r.reduced } : { ...meta, pixels: r.pixels };
  } catch (e) {
    if (e instanceof AppError) {
      // The detail names the file, so a logged error stands on its own.
      throw new AppError(e.code, e.message, { ...e.detail, path: filePath });
    }
    // A decoder bug or an exotic input must still come back typed, never as a crash.
    const reason = e instanceof Error ? e.message : String(e);
    throw new AppError('corrupt', `${format.toUpperCase()} file could not be decoded: ${reason}`, { path: filePath, reason });
  }
}
