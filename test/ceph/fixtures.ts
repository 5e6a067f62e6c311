// Test tracings: a realistic one (ISBI 2015 image 001, senior annotator, plus hand-placed manual
// points at plausible anatomical positions) and similarity transforms of whole tracings.
import fs from 'node:fs';
import path from 'node:path';
import { tracingFromIsbiCoordinates } from '../../src-shared/ceph/isbi-tracing.js';
import type { LandmarkId, Point } from '../../src-shared/ceph/types.js';

export type MutableTracing = Record<LandmarkId, Point>;

export const ISBI_DIR = '/work/shared/data/isbi2015';

/** Rows of an ISBI annotation CSV: id and 38 pixel coordinates. */
export function readIsbiCsv(file: string): { id: string; coords: number[] }[] {
  const lines = fs.readFileSync(path.join(ISBI_DIR, file), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  if (header[0] !== 'id' || header.length !== 39) throw new Error(`unexpected header in ${file}`);
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return { id: cells[0], coords: cells.slice(1).map(Number) };
  });
}

/** Manual landmarks placed by eye for image 001 (pixels, 0.1 mm/px), anatomically plausible. */
const MANUAL_001: MutableTracing = {
  upper_incisor_apex: { x: 1350, y: 1650 },
  lower_incisor_apex: { x: 1350, y: 2060 },
  upper_molar: { x: 1150, y: 1830 },
  lower_molar: { x: 1160, y: 1840 },
  pronasale: { x: 1680, y: 1500 },
  condylion: { x: 700, y: 1280 },
  basion: { x: 630, y: 1450 },
  pterygoid: { x: 940, y: 1330 },
  soft_tissue_nasion: { x: 1560, y: 1020 },
};

export function realisticTracing(): MutableTracing {
  const row = readIsbiCsv('senior.csv').find((r) => r.id === '001');
  if (!row) throw new Error('row 001 missing from senior.csv');
  return { ...tracingFromIsbiCoordinates(row.coords), ...MANUAL_001 };
}

export function mapTracing(t: MutableTracing, f: (p: Point) => Point): MutableTracing {
  return Object.fromEntries(Object.entries(t).map(([k, p]) => [k, f(p)]));
}

/** Rotation by `deg` about `center`, then uniform scale, then translation. */
export function similarity(deg: number, scale: number, shift: Point, center: Point = { x: 1000, y: 1500 }) {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  return (p: Point): Point => {
    const dx = p.x - center.x;
    const dy = p.y - center.y;
    return { x: center.x + scale * (c * dx - s * dy) + shift.x, y: center.y + scale * (s * dx + c * dy) + shift.y };
  };
}

/** Left-right mirror (a left-facing profile), about a vertical line at x = axis. */
export const mirrorX =
  (axis = 1935) =>
  (p: Point): Point => ({ x: axis - p.x, y: p.y });

/** Upside-down mirror: what a y-up coordinate convention would give. */
export const mirrorY =
  (axis = 2400) =>
  (p: Point): Point => ({ x: p.x, y: axis - p.y });
