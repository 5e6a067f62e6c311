// Learning a clinic's instant adaptation from its corrected cases, and measuring it honestly:
// every figure is leave-one-out (each case corrected by offsets learnt without it), and the radius
// factor that is stored is checked the same way (nested) before it is reported.
import type { Pt } from '../../src-shared/metrics.js';
import type { LoadedModel } from '../inference/model.js';
import type { Tracing } from '../inference/trace.js';
import type { Adaptation } from './clinic-model.js';
import { applyOffsets, fitOffsets, unmirror, type HeadFrame, type OffsetCase } from './offset.js';

/** measured on hamedan-dev draws (scripts/adaptation-figures.ts) */
export const DEFAULT_FRAME: HeadFrame = 'similarity';

export interface TracedCase {
  id: string;
  /** the plain model's points (no clinic correction), model landmark order, image pixels as stored,
   *  each with its stated 90 % radius */
  model: (Pt & { uncertaintyPx: number })[];
  /** the film is stored mirrored (the check's, or the user's word) */
  mirrored: boolean;
  width: number;
  /** the clinician's points, same order */
  truth: Pt[];
}

export function tracedCase(id: string, t: Tracing, width: number, truth: Pt[]): TracedCase {
  return { id, model: t.landmarks, mirrored: t.check.orientation.mirrored, width, truth };
}

/** Cases in a frame without reflection (a mirrored film unmirrored), as the offsets are learnt. */
function unmirrored(c: TracedCase): OffsetCase & { r: number[] } {
  return { model: unmirror(c.model, c.mirrored, c.width), truth: unmirror(c.truth, c.mirrored, c.width), r: c.model.map((l) => l.uncertaintyPx) };
}

const quantile = (v: number[], q: number) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

export interface LooResult {
  /** per case, per landmark: radial error (px) of the parent and of the adapted points */
  before: number[][];
  after: number[][];
  /** the stated radius (px) of each point, by the parent */
  radius: number[][];
}

/** Leave-one-out over the cases: each one corrected by offsets learnt from all the others. */
export function leaveOneOut(cases: readonly TracedCase[], frame: HeadFrame = DEFAULT_FRAME): LooResult {
  const u = cases.map(unmirrored);
  const out: LooResult = { before: [], after: [], radius: [] };
  u.forEach((c, i) => {
    const rest = u.filter((_, j) => j !== i);
    const moved = rest.length ? applyOffsets(fitOffsets(rest, frame), c.model) : c.model;
    out.before.push(c.model.map((p, k) => Math.hypot(p.x - c.truth[k].x, p.y - c.truth[k].y)));
    out.after.push(moved.map((p, k) => Math.hypot(p.x - c.truth[k].x, p.y - c.truth[k].y)));
    out.radius.push(c.r);
  });
  return out;
}

/** The factor on the parent's radii that puts 90 % of these (held-out) errors inside. */
export function radiusScaleFor(errors: number[][], radius: number[][]): number {
  return quantile(errors.flat().map((e, i) => e / radius.flat()[i]), 0.9);
}

export function adaptFromCases(model: LoadedModel, cases: readonly TracedCase[], opts: { mmPerPixel?: number; now?: Date; frame?: HeadFrame } = {}): Adaptation {
  const frame = opts.frame ?? DEFAULT_FRAME;
  if (cases.length < 2) throw new Error('at least two corrected cases are needed to learn and check an adaptation');
  const loo = leaveOneOut(cases, frame);
  // nested: each case's coverage under a factor learnt without it
  let covered = 0;
  let coveredParent = 0;
  let n = 0;
  loo.after.forEach((row, i) => {
    const s = radiusScaleFor(
      loo.after.filter((_, j) => j !== i),
      loo.radius.filter((_, j) => j !== i),
    );
    row.forEach((e, k) => {
      n++;
      if (e <= s * loo.radius[i][k]) covered++;
      if (loo.before[i][k] <= loo.radius[i][k]) coveredParent++;
    });
  });
  const mean = (m: number[][]) => m.flat().reduce((a, b) => a + b, 0) / m.flat().length;
  const fig = (m: number[][]) => ({ n_images: cases.length, mre_px: mean(m), mre_mm: opts.mmPerPixel ? mean(m) * opts.mmPerPixel : null });
  const all = fitOffsets(cases.map(unmirrored), frame);
  return {
    schema_version: 1,
    kind: 'offset',
    parent: { name: model.card.name, version: model.card.version, sha256: model.card.sha256 },
    created_at: (opts.now ?? new Date()).toISOString(),
    cases: cases.map((c) => c.id),
    frame,
    offsets: all.offsets,
    radius_scale: radiusScaleFor(loo.after, loo.radius),
    measured: {
      how: 'leave-one-out over the cases: each corrected by offsets learnt from the others (the radius factor nested the same way)',
      parent: fig(loo.before),
      adapted: fig(loo.after),
      coverage90_parent: coveredParent / n,
      coverage90_adapted: covered / n,
    },
  };
}
