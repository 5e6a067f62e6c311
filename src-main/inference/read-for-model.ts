// Reads an image file the way the model wants it: where the card allows it, a JPEG or a JPEG 2000
// DICOM is decoded straight to (about) the letterboxed size instead of in full (see
// imaging/raster/jpeg-grey-area.ts, imaging/raster/jpeg-reduced.ts and imaging/dicom/reduced-frame.ts).
import type { ModelCard, ReducedDecode } from '../../src-shared/model-card.js';
import { importImage, importImageReduced, type ImportOptions, type ModelReadyImage } from '../imaging/import.js';
import { Letterbox } from './letterbox.js';

export function readForModel(filePath: string, card: ModelCard, opts: ImportOptions = {}): Promise<ModelReadyImage> {
  if (!card.input.reduced_decode?.length) return importImage(filePath, opts);
  return importImageReduced(filePath, (w, h, kind) => reducedSize(card, w, h, kind), opts);
}

/** The size the card lets an image of w x h be read to directly by this reduced read (the
 *  letterbox's resized size), or undefined where the card does not list that read. */
export function reducedSize(card: ModelCard, w: number, h: number, kind: ReducedDecode): { width: number; height: number } | undefined {
  return card.input.reduced_decode?.includes(kind) ? letterboxedSize(card, w, h) : undefined;
}

/** The size an image of w x h takes inside the model's letterbox. */
export function letterboxedSize(card: ModelCard, w: number, h: number): { width: number; height: number } {
  const box = new Letterbox(w, h, card.input.width, card.input.height);
  return { width: box.resizedW, height: box.resizedH };
}

/** The same file read for a film stored turned by a quarter: reduced (where the card allows) to
 *  the size whose quarter turn fills the letterbox, so that turning it upright needs no resampling. */
export function readForModelTurned(filePath: string, card: ModelCard, opts: ImportOptions = {}): Promise<ModelReadyImage> {
  if (!card.input.reduced_decode?.length) return importImage(filePath, opts);
  return importImageReduced(
    filePath,
    (w, h, kind) => {
      if (!card.input.reduced_decode?.includes(kind)) return undefined;
      const upright = letterboxedSize(card, h, w);
      return { width: upright.height, height: upright.width };
    },
    opts,
  );
}

/** The file read again for the second stage's crops (refine.ts), as coarse as they allow: where the
 *  card lists a reduced read for it, at the largest power-of-two reduction whose pixel is at most
 *  maxSourcePx source pixels (a JPEG's DCT scale, a JPEG 2000's wavelet level); else in full. */
export function readForCrops(filePath: string, card: ModelCard, maxSourcePx: number, opts: ImportOptions = {}): Promise<ModelReadyImage> {
  const f = 2 ** Math.max(0, Math.floor(Math.log2(maxSourcePx)));
  if (f < 2 || !card.input.reduced_decode?.length) return importImage(filePath, opts);
  return importImageReduced(filePath, (w, h, kind) => (card.input.reduced_decode!.includes(kind) ? { width: Math.floor(w / f), height: Math.floor(h / f) } : undefined), opts);
}
