// How a film was stored relative to the upright, right-facing cephalogram the landmark model was
// trained on, and the pixel and point transforms between the two. Stored = turned clockwise by
// `rotation` after mirroring (when `mirrored`); a negative is `inverted`. The classifier that
// recognises it is training/orient.py, run by orientation-model.ts.
import { areaResampleInto } from '../imaging/resample.js';
import type { Point } from './letterbox.js';
import { Letterbox } from './letterbox.js';

export type Rotation = 0 | 90 | 180 | 270;

export interface Orientation {
  rotation: Rotation;
  mirrored: boolean;
  inverted: boolean;
}

export const UPRIGHT: Orientation = { rotation: 0, mirrored: false, inverted: false };

/** training/orient.py's class index: 4 * mirrored + clockwise quarter turns. */
export function geometryClass(o: Pick<Orientation, 'rotation' | 'mirrored'>): number {
  return (o.mirrored ? 4 : 0) + o.rotation / 90;
}

export function fromGeometryClass(g: number): Pick<Orientation, 'rotation' | 'mirrored'> {
  return { mirrored: g >= 4, rotation: ((g % 4) * 90) as Rotation };
}

/** Size of the upright image made from a stored image of w x h. */
export function uprightSize(o: Orientation, w: number, h: number): { width: number; height: number } {
  return o.rotation % 180 === 0 ? { width: w, height: h } : { width: h, height: w };
}

/** A point of the upright image -> the same point in the stored image (both pixel centres at integers). */
export function toStored(o: Orientation, p: Point, uprightW: number, uprightH: number): Point {
  let x = o.mirrored ? uprightW - 1 - p.x : p.x;
  let y = p.y;
  let w = uprightW;
  let h = uprightH;
  for (let t = 0; t < o.rotation / 90; t++) {
    // one clockwise quarter turn of a w x h image
    [x, y] = [h - 1 - y, x];
    [w, h] = [h, w];
  }
  return { x, y };
}

/** A point of the stored image -> the upright image. */
export function toUpright(o: Orientation, p: Point, storedW: number, storedH: number): Point {
  let x = p.x;
  let y = p.y;
  let w = storedW;
  let h = storedH;
  for (let t = 0; t < o.rotation / 90; t++) {
    // one counter-clockwise quarter turn
    [x, y] = [y, w - 1 - x];
    [w, h] = [h, w];
  }
  return { x: o.mirrored ? w - 1 - x : x, y };
}

/** Stored pixels -> upright pixels (geometry and polarity). */
export function uprightPixels<T extends Uint8Array | Float32Array>(o: Orientation, pixels: T, w: number, h: number): T {
  const { width: uw, height: uh } = uprightSize(o, w, h);
  const out = new (pixels.constructor as new (n: number) => T)(pixels.length);
  const geometric = o.rotation !== 0 || o.mirrored;
  for (let y = 0; y < uh; y++) {
    for (let x = 0; x < uw; x++) {
      let src = y * uw + x;
      if (geometric) {
        const s = toStored(o, { x, y }, uw, uh);
        src = s.y * w + s.x;
      }
      const v = pixels[src];
      out[y * uw + x] = o.inverted ? 255 - v : v;
    }
  }
  return out;
}

/** The whole image area-resized into a size x size square (the orientation card's input size),
 *  centred, zero padded, scaled to 0..1: what training/orient.py's thumbnail() makes. */
export function thumbnail(pixels: ArrayLike<number>, w: number, h: number, size: number): Float32Array {
  const box = new Letterbox(w, h, size, size);
  const out = new Float32Array(size * size);
  areaResampleInto(pixels, w, h, box.resizedW, box.resizedH, out, size, box.offsetY * size + box.offsetX);
  for (let i = 0; i < out.length; i++) out[i] /= 255;
  return out;
}

/** What the app says it did, in a clinician's words. */
export function describeOrientation(o: Orientation): string {
  const parts: string[] = [];
  if (o.rotation) parts.push(`turned ${o.rotation === 180 ? 'upside down' : `by ${o.rotation}°`} (straightened)`);
  if (o.mirrored) parts.push('mirrored: the profile faces left');
  if (o.inverted) parts.push('a negative film (inverted for tracing)');
  return parts.length ? parts.join('; ') : 'upright, profile facing right';
}

/** Upright pixels -> the image as it would be stored in orientation o (evaluation's transforms). */
export function storedPixels(o: Orientation, pixels: Uint8Array, uprightW: number, uprightH: number): { pixels: Uint8Array; width: number; height: number } {
  const { width: w, height: h } = uprightSize(o, uprightW, uprightH);
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = toUpright(o, { x, y }, w, h);
      const v = pixels[u.y * uprightW + u.x];
      out[y * w + x] = o.inverted ? 255 - v : v;
    }
  }
  return { pixels: out, width: w, height: h };
}

export const TRANSFORMS: Record<string, Orientation> = {
  none: UPRIGHT,
  mirror: { rotation: 0, mirrored: true, inverted: false },
  rot90: { rotation: 90, mirrored: false, inverted: false },
  rot180: { rotation: 180, mirrored: false, inverted: false },
  rot270: { rotation: 270, mirrored: false, inverted: false },
  invert: { rotation: 0, mirrored: false, inverted: true },
};
