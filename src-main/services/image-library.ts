// The app keeps its own copy of every imported file, named by content hash, next to the case
// database: a case stays viewable when the original is moved, renamed or was a browser upload.
// Whenever a case's pixels are read, the bytes read are checked against the hash the case was
// imported with: a file changed or replaced under the same name is a clear state of the case
// (image_changed), a file gone is another (image_missing), and another image is never shown.
// A film's preview for the case list is kept beside its copy, made once and removed with it.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.js';
import type { DecodedImage } from '../imaging/types.js';
import { importImage } from '../imaging/import.js';
import { copyPrivateFile, makePrivateDir, writePrivateFile } from '../util/private-files.js';
import { sha256Hex } from '../util/sha256.js';
import { renderThumbnail } from './thumbnails.js';

export interface ImageLibrary {
  folder: string;
  keep(sourcePath: string, sha256: string): string;
  /** the library's copy where there is one, else the path it was imported from (unchecked) */
  pathFor(sha256: string, fallback: string): string;
  /** the decoded image, checked against its hash */
  load(sha256: string, fallback: string): Promise<DecodedImage>;
  /** throws image_changed unless `img` (decoded from pathFor) is the image of that hash */
  verify(img: Pick<DecodedImage, 'sha256'>, sha256: string, fallback: string): void;
  /** the case's original found again: kept in the library if its bytes have that hash, else refused */
  relink(file: string, sha256: string, shown?: string): void;
  /** the film's preview (JPEG bytes): made from the checked film the first time, then kept */
  thumbnail(sha256: string, fallback: string): Promise<Buffer>;
  /** the library's copy and its preview removed (its case was deleted) */
  remove(sha256: string): void;
}

const HOW_TO_MEND = 'Re-import the original file, or relink the case to it.';

export function createImageLibrary(folder: string, cacheSize = 4): ImageLibrary {
  makePrivateDir(folder);
  const cache = new Map<string, Promise<DecodedImage>>();
  const target = (sha: string) => path.join(folder, sha);
  const preview = (sha: string) => path.join(folder, 'thumbnails', `${sha}.jpg`);
  const pathFor = (sha256: string, fallback: string) => {
    const p = target(sha256);
    return fs.existsSync(p) ? p : fallback;
  };
  const verify = (img: Pick<DecodedImage, 'sha256'>, sha256: string, fallback: string) => {
    if (img.sha256 !== sha256) {
      const file = pathFor(sha256, fallback);
      throw new AppError('image_changed', `the image file of this case (${file}) is not the one imported: its content changed. ${HOW_TO_MEND}`, { path: file });
    }
  };
  async function read(sha256: string, fallback: string): Promise<DecodedImage> {
    const file = pathFor(sha256, fallback);
    if (!fs.existsSync(file)) {
      throw new AppError('image_missing', `the image file of this case is missing (not in the image library, nor at ${fallback}). ${HOW_TO_MEND}`, { path: fallback });
    }
    const img = await importImage(file);
    verify(img, sha256, fallback);
    return img;
  }
  return {
    folder,
    keep(sourcePath, sha256) {
      const dst = target(sha256);
      if (!fs.existsSync(dst)) copyPrivateFile(sourcePath, dst);
      return dst;
    },
    pathFor,
    verify,
    relink(file, sha256, shown = path.basename(file)) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (e) {
        throw new AppError('not_found', `cannot read ${file}: ${(e as Error).message}`, { path: file });
      }
      if (sha256Hex(bytes) !== sha256) {
        throw new AppError('bad_request', `${shown} is not this case's image (its content differs from the file imported): choose the original, or import this file as a new case`, { path: file });
      }
      const dst = target(sha256);
      // a changed copy under the hash's name is replaced by the original
      if (fs.existsSync(dst)) fs.rmSync(dst);
      copyPrivateFile(file, dst);
      cache.delete(sha256);
    },
    remove(sha256) {
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('bad_request', 'not an image hash');
      fs.rmSync(target(sha256), { force: true });
      fs.rmSync(preview(sha256), { force: true });
      cache.delete(sha256);
    },
    async thumbnail(sha256, fallback) {
      const file = preview(sha256);
      if (fs.existsSync(file)) return fs.readFileSync(file);
      // a film decoded only for its preview stays out of the cache the viewer and detection use
      const bytes = await renderThumbnail(await (cache.get(sha256) ?? read(sha256, fallback)));
      writePrivateFile(file, bytes);
      return bytes;
    },
    load(sha256, fallback) {
      let hit = cache.get(sha256);
      if (!hit) {
        hit = read(sha256, fallback);
        hit.catch(() => cache.delete(sha256));
        cache.set(sha256, hit);
        while (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
      }
      return hit;
    },
  };
}
