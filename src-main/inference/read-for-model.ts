// Reads an image file the way the model wants it: where the card allows it, a JPEG is decoded
// straight to the letterboxed size instead of in full (see imaging/raster/jpeg-reduced.ts).
import type { ModelCard } from '../../src-shared/model-card.js';
import { importImage, importImageReduced, type ImportOptions, type ModelReadyImage } from '../imaging/import.js';
import { Letterbox } from './letterbox.js';

export function readForModel(filePath: string, card: ModelCard, opts: ImportOptions = {}): Promise<ModelReadyImage> {
  if (card.input.jpeg_reduce !== 'dct-lanczos3') return importImage(filePath, opts);
  return importImageReduced(
    filePath,
    (w, h) => {
      const box = new Letterbox(w, h, card.input.width, card.input.height);
      return { width: box.resizedW, height: box.resizedH };
    },
    opts,
  );
}
