// The instant level of adapting to a clinic: a per-landmark systematic correction learnt from the
// clinic's own corrected tracings. Another machine or another orthodontist's way of placing porion,
// A point or soft-tissue pogonion shifts a landmark the same way on every film, so the mean of
// (clinician's point - model's point) per landmark, taken in a frame that follows the head (the
// similarity that maps the model's tracing onto the mean skull shape: size, tilt and position
// cancel), is added to every new detection in that film's own head frame. No Python, milliseconds.
import { isbiShapeModel } from '../../src-shared/ceph/shape-model.js';
import type { Pt } from '../../src-shared/metrics.js';

export interface OffsetCase {
  /** the model's points, in the model's landmark order, image pixels */
  model: readonly Pt[];
  /** the clinician's points for the same image, same order */
  truth: readonly Pt[];
}

/** 'similarity': the head frame scales with the skull (offsets relative to its size);
 *  'rotation': it only turns with the head (offsets in image pixels, for one machine's films). */
export type HeadFrame = 'similarity' | 'rotation';

export interface OffsetModel {
  /** per landmark, the mean correction in the head frame */
  offsets: [number, number][];
  cases: number;
  frame: HeadFrame;
}

function frameOf(points: readonly Pt[], frame: HeadFrame): { a: number; b: number } {
  const s = isbiShapeModel().similarity(points);
  if (frame === 'similarity') return s;
  const n = Math.hypot(s.a, s.b);
  return { a: s.a / n, b: s.b / n };
}

/** Image vector -> the head frame of a tracing whose similarity is (a, b). */
function toHead(v: Pt, s: { a: number; b: number }): Pt {
  return { x: s.a * v.x - s.b * v.y, y: s.b * v.x + s.a * v.y };
}

/** Head-frame vector -> image vector (the inverse similarity, without its translation). */
function fromHead(v: Pt, s: { a: number; b: number }): Pt {
  const n = s.a * s.a + s.b * s.b;
  return { x: (s.a * v.x + s.b * v.y) / n, y: (-s.b * v.x + s.a * v.y) / n };
}

export function fitOffsets(cases: readonly OffsetCase[], frame: HeadFrame = 'similarity'): OffsetModel {
  if (cases.length === 0) throw new Error('no corrected case to learn from');
  const k = cases[0].model.length;
  const sum = Array.from({ length: k }, () => [0, 0] as [number, number]);
  for (const c of cases) {
    const s = frameOf(c.model, frame);
    for (let i = 0; i < k; i++) {
      const d = toHead({ x: c.truth[i].x - c.model[i].x, y: c.truth[i].y - c.model[i].y }, s);
      sum[i][0] += d.x;
      sum[i][1] += d.y;
    }
  }
  return { offsets: sum.map(([x, y]) => [x / cases.length, y / cases.length]), cases: cases.length, frame };
}

/** The model's points of a new film, corrected. */
export function applyOffsets(m: OffsetModel, points: readonly Pt[]): Pt[] {
  const s = frameOf(points, m.frame);
  return points.map((p, i) => {
    const d = fromHead({ x: m.offsets[i][0], y: m.offsets[i][1] }, s);
    return { x: p.x + d.x, y: p.y + d.y };
  });
}

/** A mirrored film's points in a frame without reflection, as the head frame needs (the same call
 *  maps them back). */
export function unmirror(points: readonly Pt[], mirrored: boolean, width: number): Pt[] {
  return points.map((p) => (mirrored ? { x: width - 1 - p.x, y: p.y } : { x: p.x, y: p.y }));
}
