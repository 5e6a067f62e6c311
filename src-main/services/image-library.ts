// The app keeps its own copy of every imported file, named by content hash, next to the case
// database: a case stays viewable when the original is moved, renamed or was a browser upload.
import fs from 'node:fs';
import path from 'node:path';
import type { DecodedImage } from '../imaging/types.js';
import { importImage } from '../imaging/import.js';
import { copyPrivateFile, makePrivateDir } from '../util/private-files.js';

export interface ImageLibrary {
  folder: string;
  keep(sourcePath: string, sha256: string): string;
  pathFor(sha256: string, fallback: string): string;
  load(sha256: string, fallback: string): Promise<DecodedImage>;
}

export function createImageLibrary(folder: string, cacheSize = 4): ImageLibrary {
  makePrivateDir(folder);
  const cache = new Map<string, Promise<DecodedImage>>();
  const target = (sha: string) => path.join(folder, sha);
  return {
    folder,
    keep(sourcePath, sha256) {
      const dst = target(sha256);
      if (!fs.existsSync(dst)) copyPrivateFile(sourcePath, dst);
      return dst;
    },
    pathFor(sha256, fallback) {
      const p = target(sha256);
      return fs.existsSync(p) ? p : fallback;
    },
    load(sha256, fallback) {
      let hit = cache.get(sha256);
      if (!hit) {
        hit = importImage(this.pathFor(sha256, fallback));
        hit.catch(() => cache.delete(sha256));
        cache.set(sha256, hit);
        while (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
      }
      return hit;
    },
  };
}
