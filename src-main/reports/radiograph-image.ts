// The radiograph as the report embeds it: the decoded 8-bit grey pixels, scaled down to what a
// printed A4 page can show and encoded as JPEG (a full-size PNG would make a 10 MB report for no
// visible gain). The tracing is drawn over it as vectors by pdf-tracing.ts, so lines and labels
// stay sharp at any zoom.
import sharp from 'sharp';
import { AppError } from '../../src-shared/errors.js';

export interface GreyImage {
  width: number;
  height: number;
  /** 8-bit grey, row-major, width * height bytes */
  pixels: Uint8Array;
}

export interface EncodedImage {
  data: Buffer;
  width: number;
  height: number;
}

/** ~250 dpi for the 12 cm the page gives the image: enough to see a landmark on the bone. */
export const MAX_EMBED_SIDE = 1200;

export async function encodeRadiograph(img: GreyImage, maxSide = MAX_EMBED_SIDE): Promise<EncodedImage> {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width <= 0 || img.height <= 0 || img.pixels.length !== img.width * img.height) {
    throw new AppError('bad_request', `the decoded image is not ${img.width}x${img.height} 8-bit grey (${img.pixels.length} bytes)`);
  }
  const { data, info } = await sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: 1 } })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    // one grey channel: sharp would otherwise write an sRGB JPEG three times the size
    .toColourspace('b-w')
    .jpeg({ quality: 85 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
