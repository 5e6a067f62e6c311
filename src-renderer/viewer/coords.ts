// Image pixels <-> Cornerstone world coordinates for our images. The API's points use the pixel-
// centre convention (0,0 is the centre of the top-left pixel), which is also where Cornerstone
// puts the first voxel (imagePositionPatient = [0,0,0]); so world = pixel × spacing, exactly.
// (Cornerstone's own imageToWorldCoords assumes corner-based image coordinates, hence ours.)
import type { Types } from '@cornerstonejs/core';
import { parseCornerstoneId } from './imageIds.js';

export interface ImagePoint {
  x: number;
  y: number;
}

function spacingOf(csImageId: string): { rowMm: number; colMm: number } {
  return parseCornerstoneId(csImageId)?.spacing ?? { rowMm: 1, colMm: 1 };
}

export function imageToWorld(csImageId: string, p: ImagePoint): Types.Point3 {
  const s = spacingOf(csImageId);
  return [p.x * s.colMm, p.y * s.rowMm, 0];
}

export function worldToImage(csImageId: string, w: Types.Point3 | readonly number[]): ImagePoint {
  const s = spacingOf(csImageId);
  return { x: w[0] / s.colMm, y: w[1] / s.rowMm };
}
