// What an evaluation runs on: image ids, where each image is, its reference tracing and the pixel
// spacing. Either the ISBI 2015 layout (a split of it), or any folder of images with one or more
// tracing CSVs (`id,x1,y1,...`, pixels; several are averaged) and a stated mm per pixel, so a
// clinic can measure the model on its own annotated cases.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.js';
import type { Pt } from '../../src-shared/metrics.js';
import { imagePath, ISBI_MM_PER_PIXEL, readAnnotationFile, readAnnotations, readSplit, type GroundTruth as IsbiTruth } from './isbi-dataset.js';

export type GroundTruth = IsbiTruth | string;

export interface Dataset {
  name: string;
  split: string;
  groundTruth: GroundTruth;
  ids: string[];
  truth: Map<string, Pt[]>;
  imagePath(id: string): string;
  mmPerPixel: number;
  mmPerPixelNote?: string;
}

export function isbiDataset(root: string, split: string, gt: IsbiTruth): Dataset {
  return { name: root, split, groundTruth: gt, ids: readSplit(root, split), truth: readAnnotations(root, gt), imagePath: (id) => imagePath(root, id), mmPerPixel: ISBI_MM_PER_PIXEL };
}

const IMAGE_EXTS = ['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.bmp', '.dcm'];

/** A folder of images named by id, tracings averaged over the CSVs given. */
export function folderDataset(imagesDir: string, tracingFiles: string[], mmPerPixel: number, note?: string): Dataset {
  if (!fs.existsSync(imagesDir) || !fs.statSync(imagesDir).isDirectory()) throw new AppError('not_found', `image folder ${imagesDir} does not exist`);
  if (!(mmPerPixel > 0 && mmPerPixel < 10)) throw new AppError('bad_request', `--mm-per-px must be a spacing in mm per pixel (0 to 10), not ${mmPerPixel}`);
  if (tracingFiles.length === 0) throw new AppError('bad_request', 'at least one tracing CSV is needed');
  const sets = tracingFiles.map((f) => readAnnotationFile(f));
  const byId = new Map<string, string>();
  for (const f of fs.readdirSync(imagesDir)) {
    const ext = path.extname(f).toLowerCase();
    if (IMAGE_EXTS.includes(ext)) byId.set(path.basename(f, path.extname(f)), path.join(imagesDir, f));
  }
  const truth = new Map<string, Pt[]>();
  for (const [id, pts] of sets[0]) {
    const all = sets.map((s) => s.get(id));
    if (all.some((p) => !p) || !byId.has(id)) continue;
    truth.set(id, pts.map((_, k) => ({ x: all.reduce((s, p) => s + p![k].x, 0) / all.length, y: all.reduce((s, p) => s + p![k].y, 0) / all.length })));
  }
  const ids = [...truth.keys()].sort();
  if (ids.length === 0) throw new AppError('bad_request', `no image in ${imagesDir} has a tracing in ${tracingFiles.join(', ')} (ids are file names without extension)`);
  return {
    name: imagesDir,
    split: 'all',
    groundTruth: tracingFiles.length > 1 ? `mean of ${tracingFiles.map((f) => path.basename(f)).join(', ')}` : path.basename(tracingFiles[0]),
    ids,
    truth,
    imagePath: (id) => byId.get(id)!,
    mmPerPixel,
    ...(note ? { mmPerPixelNote: note } : {}),
  };
}
