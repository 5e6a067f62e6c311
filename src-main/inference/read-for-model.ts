// Reads an image file the way the model wants it: where the card allows it, a JPEG or a JPEG 2000
// DICOM is decoded straight to (about) the letterboxed size instead of in full (see
// imaging/raster/jpeg-reduced.ts and imaging/dicom/reduced-frame.ts).
import type { ModelCard } from '../../src-shared/model-card.js';
import { importImage, importImageReduced, type ImportOptions, type ModelReadyImage } from '../imaging/import.js';
import { Letterbox } from './letterbox.js';

const KIND = { jpeg: 'jpeg-dct-lanczos3', jpeg2000: 'jpeg2000-lowpass-area' } as const;

export function readForModel(filePath: string, card: ModelCard, opts: ImportOptions = {}): Promise<ModelReadyImage> {
  if (!card.input.reduced_decode?.length) return importImage(filePath, opts);
  return importImageReduced(filePath, (w, h, kind) => reducedSize(card, w, h, kind), opts);
}

/** The size the card lets an image of w x h of this kind be decoded to directly (the letterbox's
 *  resized size), or undefined where it must be decoded in full. */
export function reducedSize(card: ModelCard, w: number, h: number, kind: 'jpeg' | 'jpeg2000'): { width: number; height: number } | undefined {
  if (!card.input.reduced_decode?.includes(KIND[kind])) return undefined;
  const box = new Letterbox(w, h, card.input.width, card.input.height);
  return { width: box.resizedW, height: box.resizedH };
}
