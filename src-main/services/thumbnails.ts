// Small previews of the films for the case list, drawn from a decoded (hash-checked) film. The
// image library keeps them beside its copies, under the same hash (image-library.ts).
import sharp from 'sharp';
import type { DecodedImage } from '../imaging/types.js';

/** preview height in pixels: two list rows' worth on a high-density screen */
export const THUMBNAIL_HEIGHT = 96;

/** the film as a JPEG THUMBNAIL_HEIGHT pixels high */
export async function renderThumbnail(img: DecodedImage): Promise<Buffer> {
  return sharp(Buffer.from(img.pixels.buffer, img.pixels.byteOffset, img.pixels.byteLength), { raw: { width: img.width, height: img.height, channels: 1 } })
    .resize({ height: THUMBNAIL_HEIGHT, fit: 'inside', kernel: 'lanczos3' })
    .jpeg({ quality: 75 })
    .toBuffer();
}
