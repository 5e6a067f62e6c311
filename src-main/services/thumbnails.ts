// Small previews of the films for the case list. Made from the library's copy (so checked against
// the case's hash, as every read of its pixels is) the first time they are asked for, then kept
// beside the library's copies under the same hash: a film's preview never changes, and a list of
// fifty cases must not decode fifty radiographs each time it is shown.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { makePrivateDir, writePrivateFile } from '../util/private-files.js';
import type { ImageLibrary } from './image-library.js';

/** preview height in pixels: two list rows' worth on a high-density screen */
export const THUMBNAIL_HEIGHT = 96;

export interface Thumbnail {
  mimeType: 'image/jpeg';
  width: number;
  height: number;
  bytes: Buffer;
}

const folderOf = (library: ImageLibrary) => path.join(library.folder, 'thumbnails');
const fileOf = (library: ImageLibrary, sha256: string) => path.join(folderOf(library), `${sha256}.jpg`);

export async function thumbnailOf(library: ImageLibrary, sha256: string, fallback: string): Promise<Thumbnail> {
  const file = fileOf(library, sha256);
  if (fs.existsSync(file)) {
    const bytes = fs.readFileSync(file);
    const meta = await sharp(bytes).metadata();
    return { mimeType: 'image/jpeg', width: meta.width!, height: meta.height!, bytes };
  }
  const img = await library.load(sha256, fallback);
  const { data, info } = await sharp(Buffer.from(img.pixels.buffer, img.pixels.byteOffset, img.pixels.byteLength), { raw: { width: img.width, height: img.height, channels: 1 } })
    .resize({ height: THUMBNAIL_HEIGHT, fit: 'inside', kernel: 'lanczos3' })
    .jpeg({ quality: 75 })
    .toBuffer({ resolveWithObject: true });
  makePrivateDir(folderOf(library));
  // written whole under a temporary name first: a crash leaves no half preview under the hash
  const tmp = `${file}.${process.pid}.tmp`;
  writePrivateFile(tmp, data);
  fs.renameSync(tmp, file);
  return { mimeType: 'image/jpeg', width: info.width, height: info.height, bytes: data };
}

/** the preview of a deleted case's film goes with its copy */
export function forgetThumbnail(library: ImageLibrary, sha256: string): void {
  if (/^[0-9a-f]{64}$/.test(sha256)) fs.rmSync(fileOf(library, sha256), { force: true });
}
