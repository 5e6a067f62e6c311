// Reads an image file the way the model wants it: where the card allows it, a JPEG or a JPEG 2000
// DICOM is decoded straight to (about) the letterboxed size instead of in full (see
// imaging/raster/jpeg-reduced.ts and imaging/dicom/import-dicom.ts).
import type { ModelCard } from '../../src-shared/model-card.js';
import { importImage, importImageReduced, type ImportOptions, type ModelReadyImage } from '../imaging/import.js';
import { Letterbox } from './letterbox.js';

const KIND = { jpeg: 'jpeg-dct-lanczos3', jpeg2000: 'jpeg2000-lowpass-area' } as const;

export function readForModel(filePath: string, card: ModelCard, opts: ImportOptions = {}): Promise<ModelReadyImage> {
  const allowed = card.input.reduced_decode ?? [];
  if (!allowed.length) return importImage(filePath, opts);
  return importImageReduced(
    filePath,
    (w, h, kind) => {
      if (!allowed.includes(KIND[kind])) return undefined;
      const box = new Letterbox(w, h, card.input.width, card.input.height);
      return { width: box.resizedW, height: box.resizedH };
    },
    opts,
  );
}
