// The ISBI 2015 layout: images/NNN.jpg, senior.csv and junior.csv (pixels), split files.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.js';
import type { Pt } from '../../src-shared/metrics.js';

export type GroundTruth = 'mean' | 'senior' | 'junior';
export { ISBI_MM_PER_PIXEL } from '../../src-shared/ceph/isbi-tracing.js';

/** Every tenth training image, never trained on: the model's validation images (training/isbi.py). */
export function validationIds(trainIds: string[]): string[] {
  return trainIds.filter((_, n) => n % 10 === 9);
}

export function readSplit(root: string, split: string): string[] {
  const file = path.join(root, `${split}.txt`);
  if (split === 'val' && !fs.existsSync(file)) return validationIds(readSplit(root, 'train'));
  if (!fs.existsSync(file)) throw new AppError('not_found', `split file ${file} does not exist`);
  return fs.readFileSync(file, 'utf8').split(/\s+/).filter(Boolean);
}

export function readAnnotations(root: string, who: GroundTruth): Map<string, Pt[]> {
  if (who === 'mean') {
    const s = readAnnotations(root, 'senior');
    const j = readAnnotations(root, 'junior');
    const out = new Map<string, Pt[]>();
    for (const [id, pts] of s) {
      const other = j.get(id);
      if (other) out.set(id, pts.map((p, k) => ({ x: (p.x + other[k].x) / 2, y: (p.y + other[k].y) / 2 })));
    }
    return out;
  }
  return readAnnotationFile(path.join(root, `${who}.csv`));
}

/** A tracing CSV: `id,x1,y1,...,xK,yK` in pixels, one row per image. */
export function readAnnotationFile(file: string): Map<string, Pt[]> {
  if (!fs.existsSync(file)) throw new AppError('not_found', `annotation file ${file} does not exist`);
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const cols = header.split(',');
  const out = new Map<string, Pt[]>();
  for (const line of lines) {
    const v = line.split(',');
    const pts: Pt[] = [];
    for (let k = 1; cols.includes(`x${k}`); k++) pts.push({ x: Number(v[cols.indexOf(`x${k}`)]), y: Number(v[cols.indexOf(`y${k}`)]) });
    out.set(v[0], pts);
  }
  return out;
}

export function imagePath(root: string, id: string): string {
  for (const ext of ['.jpg', '.bmp', '.png']) {
    const p = path.join(root, 'images', id + ext);
    if (fs.existsSync(p)) return p;
  }
  throw new AppError('not_found', `no image for id ${id} in ${path.join(root, 'images')}`);
}
