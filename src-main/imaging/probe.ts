// Header-only reads: format, size, spacing and identity without decoding pixels, for file
// pickers and batch listings. Reads the file's start and grows the read only when needed.
import path from 'node:path';
import { AppError } from '../../src-shared/errors.js';
import { readHead, statImageFile } from './read-file.js';
import { sniffFormat } from './sniff.js';
import { describeStart } from './describe-bytes.js';
import { DEFAULT_LIMITS } from './limits.js';
import { NO_SPACING, type ImageProbe } from './types.js';
import { parseDicomBytes, PIXEL_DATA_TAG } from './dicom/parse.js';
import { describedHeader, readImageHeader } from './dicom/header.js';
import { readRasterHeader } from './raster/import-raster.js';

const READ_STEPS = [64 * 1024, 1024 * 1024, 16 * 1024 * 1024];

export function notAnImage(filePath: string, bytes: Uint8Array): AppError {
  return new AppError(
    'not_an_image',
    `${path.basename(filePath)} is not an image we can read: its content is not DICOM, PNG, JPEG, TIFF or BMP (it looks like ${describeStart(bytes)})`,
    { path: filePath },
  );
}

export async function probeImage(filePath: string): Promise<ImageProbe> {
  const fileSize = await statImageFile(filePath, DEFAULT_LIMITS.maxFileBytes);
  const steps = [...READ_STEPS.filter((n) => n < fileSize), fileSize];
  let bytes = await readHead(filePath, steps[0]!);
  const format = sniffFormat(bytes);
  if (!format) throw notAnImage(filePath, bytes);
  const base = { sourcePath: filePath, fileSize, format };

  for (let i = 0; ; i++) {
    const whole = bytes.length >= fileSize;
    try {
      if (format === 'dicom') {
        const { dataSet } = parseDicomBytes(bytes, { headerOnly: true });
        // Elements come in tag order, so once Pixel Data is reached every header element was seen.
        if (!dataSet.elements[PIXEL_DATA_TAG] && !whole) throw new Error('header continues past the bytes read');
        const h = readImageHeader(dataSet, { headerOnly: !whole });
        return { ...base, ...describedHeader(h) };
      }
      const h = await readRasterHeader(bytes, format);
      return { ...base, ...h, spacing: { ...NO_SPACING }, metadata: {} };
    } catch (e) {
      // A header can run past what was read (TIFF keeps its directory anywhere); only a
      // failure on the whole file is the file's fault.
      if (whole) throw e;
      bytes = await readHead(filePath, steps[i + 1]!);
    }
  }
}
