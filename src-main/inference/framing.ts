// Reframing, the twin of training/framing.py: a skull that another machine frames larger or smaller
// than the training films is traced a second time, resampled to the training tracings' size and
// centre, and its points mapped back. The warp works on the model input itself (no second read of
// the file), with the same arithmetic as the Python: bilinear, pixel centres at integer
// coordinates, outside the input = the padding value.
import type { Point } from './letterbox.js';

export interface FramingTarget {
  /** the training tracings' mean centroid and size (RMS distance from it), model-input pixels */
  centroid: readonly [number, number];
  size: number;
  /** reframe when |ln(training size / this tracing's size)| exceeds this */
  min_log_ratio: number;
}

export interface Reframe {
  zoom: number;
  /** the first tracing's centroid, model-input pixels */
  centre: Point;
}

export function skullFrame(points: readonly Point[]): { centre: Point; size: number } {
  let cx = 0;
  let cy = 0;
  for (const p of points) {
    cx += p.x;
    cy += p.y;
  }
  cx /= points.length;
  cy /= points.length;
  let ss = 0;
  for (const p of points) ss += (p.x - cx) ** 2 + (p.y - cy) ** 2;
  return { centre: { x: cx, y: cy }, size: Math.sqrt(ss / points.length) };
}

/** The reframing a first tracing asks for, or undefined when its skull is framed like the training films'. */
export function reframeFor(points: readonly Point[], target: FramingTarget): Reframe | undefined {
  const { centre, size } = skullFrame(points);
  if (!(size > 0)) return undefined;
  const zoom = target.size / size;
  return Math.abs(Math.log(zoom)) > target.min_log_ratio ? { zoom, centre } : undefined;
}

/** input (h x w, row-major) -> the reframed input: output pixel q samples the input at
 *  centre + (q - target centroid) / zoom. */
export function warpInput(input: Float32Array, w: number, h: number, r: Reframe, target: FramingTarget, fill: number): Float32Array {
  const out = new Float32Array(w * h);
  const [tx, ty] = target.centroid;
  const x0s = new Int32Array(w);
  const fxs = new Float64Array(w);
  for (let u = 0; u < w; u++) {
    const sx = r.centre.x + (u - tx) / r.zoom;
    x0s[u] = Math.floor(sx);
    fxs[u] = sx - x0s[u];
  }
  const at = (y: number, x: number) => (y < 0 || y >= h || x < 0 || x >= w ? fill : input[y * w + x]);
  for (let v = 0; v < h; v++) {
    const sy = r.centre.y + (v - ty) / r.zoom;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let u = 0; u < w; u++) {
      const x0 = x0s[u];
      const fx = fxs[u];
      const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
      const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
      out[v * w + u] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** A point of the reframed input -> the same point of the first input. */
export function unwarpPoint(q: Point, r: Reframe, target: FramingTarget): Point {
  return { x: r.centre.x + (q.x - target.centroid[0]) / r.zoom, y: r.centre.y + (q.y - target.centroid[1]) / r.zoom };
}
