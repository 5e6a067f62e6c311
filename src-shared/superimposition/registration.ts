// Superimposing tracings of one patient taken at different times. Each tracing is first brought to
// millimetres (its own pixel spacing) and to a profile facing right (read from the anatomy, as the
// signed measures are: profile-frame.ts); then every later tracing is
// moved rigidly (turned and shifted, never scaled: scaling would hide growth) onto the first by one
// of the registrations clinicians use:
// - 'sn-at-s': the S-N line laid on the first tracing's, S on S (the common cranial base standard);
// - 'cranial-base': the best fit (least squares, Procrustes without scaling) of the cranial base
//   points both tracings have (S, N, porion, and basion where placed);
// - 'maxilla': the palatal plane ANS-PNS laid on the first's, ANS on ANS;
// - 'mandible': the best fit of the symphysis (B, Pog, Gn, Me) and the mandibular border (Go).
// Results are read in the registration's frame of the first tracing: x along its reference line
// (S->N, PNS->ANS, Go->Me), forward positive; y at right angles to it, downward positive.
import { AppError } from '../errors.js';
import type { LandmarkId, Point, Tracing } from '../ceph/types.js';

export type RegistrationId = 'sn-at-s' | 'cranial-base' | 'maxilla' | 'mandible';

interface RegistrationDef {
  name: string;
  /** what the report states */
  description: string;
  /** two points: laid line on line, the first on the first; more: best fit on those present */
  kind: 'line' | 'best-fit';
  points: readonly LandmarkId[];
  /** the frame the results are read in: from, to (x axis) */
  axis: readonly [LandmarkId, LandmarkId];
}

export const REGISTRATIONS: Readonly<Record<RegistrationId, RegistrationDef>> = {
  'sn-at-s': { name: 'Cranial base, S-N at S', description: 'S-N lines superimposed, registered at sella', kind: 'line', points: ['sella', 'nasion'], axis: ['sella', 'nasion'] },
  'cranial-base': {
    name: 'Cranial base, best fit',
    description: 'least-squares rigid fit of the cranial base points both tracings have (S, N, Po, Ba)',
    kind: 'best-fit',
    points: ['sella', 'nasion', 'porion', 'basion'],
    axis: ['sella', 'nasion'],
  },
  maxilla: { name: 'Maxilla, palatal plane at ANS', description: 'ANS-PNS lines superimposed, registered at ANS', kind: 'line', points: ['anterior_nasal_spine', 'posterior_nasal_spine'], axis: ['posterior_nasal_spine', 'anterior_nasal_spine'] },
  mandible: {
    name: 'Mandible, symphysis and border',
    description: 'least-squares rigid fit of the symphysis (B, Pog, Gn, Me) and gonion both tracings have',
    kind: 'best-fit',
    points: ['supramentale', 'pogonion', 'gnathion', 'menton', 'gonion'],
    axis: ['gonion', 'menton'],
  },
};

/** A rigid motion: p -> (c x - s y + tx, s x + c y + ty). */
export interface Rigid {
  c: number;
  s: number;
  tx: number;
  ty: number;
}

export function apply(m: Rigid, p: Point): Point {
  return { x: m.c * p.x - m.s * p.y + m.tx, y: m.s * p.x + m.c * p.y + m.ty };
}

function compose(a: Rigid, b: Rigid): Rigid {
  // a after b
  const t = apply(a, { x: b.tx, y: b.ty });
  return { c: a.c * b.c - a.s * b.s, s: a.s * b.c + a.c * b.s, tx: t.x, ty: t.y };
}

/** A tracing as drawn on its image, with its spacing. */
export interface PlacedTracing {
  tracing: Tracing;
  /** mm per pixel (isotropic); undefined: uncalibrated, refused */
  mmPerPixel: number | undefined;
  /** a name for messages (T0, the study date ...) */
  label: string;
}

/** Lines that run forward, and points below them, in the order they are looked for. */
const FORWARD: readonly [LandmarkId, LandmarkId][] = [['sella', 'nasion'], ['porion', 'orbitale'], ['posterior_nasal_spine', 'anterior_nasal_spine']];
const BELOW: readonly LandmarkId[] = ['menton', 'gnathion', 'pogonion', 'gonion', 'supramentale'];

/** Whether the profile faces left on the image (forward, then down, turns the other way than on a
 *  film facing right, whatever the film's rotation); undefined where the tracing cannot tell. */
export function facesLeft(t: Tracing): boolean | undefined {
  const below = BELOW.map((id) => t[id]).find(Boolean);
  const line = FORWARD.find(([a, b]) => t[a] && t[b]);
  if (!below || !line) return undefined;
  const a = t[line[0]]!;
  const b = t[line[1]]!;
  const cross = (b.x - a.x) * (below.y - a.y) - (b.y - a.y) * (below.x - a.x);
  return cross === 0 ? undefined : cross < 0;
}

/** The tracing in mm, facing right. */
export function inMm(t: PlacedTracing): Record<LandmarkId, Point> {
  if (!(t.mmPerPixel !== undefined && Number.isFinite(t.mmPerPixel) && t.mmPerPixel > 0)) {
    throw new AppError('bad_request', `${t.label} has no pixel spacing or ruler: tracings are superimposed in millimetres, so each needs its calibration`);
  }
  const left = facesLeft(t.tracing);
  if (left === undefined) throw new AppError('bad_request', `${t.label}: which way the profile faces cannot be told from its landmarks (it needs S-N, Po-Or or PNS-ANS and a point of the mandible)`);
  const k = t.mmPerPixel;
  const out: Record<LandmarkId, Point> = {};
  for (const [id, p] of Object.entries(t.tracing)) if (p) out[id] = { x: (left ? -p.x : p.x) * k, y: p.y * k };
  return out;
}

/** The frame of a line: the motion taking `from` to the origin and the line onto +x. */
function lineFrame(a: Point, b: Point): Rigid {
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  if (!(len > 0)) throw new AppError('bad_request', 'the reference line has two coincident points');
  const c = (b.x - a.x) / len;
  const s = -(b.y - a.y) / len;
  return { c, s, tx: -(c * a.x - s * a.y), ty: -(s * a.x + c * a.y) };
}

/** Rigid least squares of `moving` onto `fixed` (paired points; Kabsch in 2-D, no reflection). */
function bestFit(moving: Point[], fixed: Point[]): Rigid {
  const n = moving.length;
  const cm = { x: moving.reduce((s, p) => s + p.x, 0) / n, y: moving.reduce((s, p) => s + p.y, 0) / n };
  const cf = { x: fixed.reduce((s, p) => s + p.x, 0) / n, y: fixed.reduce((s, p) => s + p.y, 0) / n };
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const mx = moving[i].x - cm.x;
    const my = moving[i].y - cm.y;
    const fx = fixed[i].x - cf.x;
    const fy = fixed[i].y - cf.y;
    sxx += mx * fx + my * fy;
    sxy += mx * fy - my * fx;
  }
  const theta = Math.atan2(sxy, sxx);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return { c, s, tx: cf.x - (c * cm.x - s * cm.y), ty: cf.y - (s * cm.x + c * cm.y) };
}

function need(points: Record<LandmarkId, Point>, id: LandmarkId, label: string, reg: RegistrationDef): Point {
  const p = points[id];
  if (!p) throw new AppError('bad_request', `${label} lacks ${id}, which the registration '${reg.name}' needs`);
  return p;
}

export interface Superimposed {
  registration: RegistrationId;
  name: string;
  description: string;
  /** the points the registration used for each later tracing (best fit: those both have) */
  usedPoints: LandmarkId[][];
  /** per tracing, its points in the registration frame of the first, mm */
  tracings: Record<LandmarkId, Point>[];
  /** per tracing, its points drawn on the first tracing's image (its pixels): what a viewer
   *  overlays on that image */
  onFirstImage: Record<LandmarkId, Point>[];
  /** per tracing, the motion from its own mm (facing right) to the frame */
  toFrame: Rigid[];
  /** best fit: per later tracing, the RMS distance left between the fitted points, mm */
  residualMm: (number | null)[];
  /** per tracing, the map from its image's pixels to the first image's pixels: what blends the
   *  images (a similarity, mirrored where the two films face different ways) */
  imageToFirst: Affine[];
}

/** p -> (a x + b y + c, d x + e y + f) */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m.a * p.x + m.b * p.y + m.c, y: m.d * p.x + m.e * p.y + m.f };
}

/** the affine map taking (0,0), (1,0), (0,1) where `map` takes them */
export function affineOf(map: (p: Point) => Point): Affine {
  const o = map({ x: 0, y: 0 });
  const ex = map({ x: 1, y: 0 });
  const ey = map({ x: 0, y: 1 });
  return { a: ex.x - o.x, b: ey.x - o.x, c: o.x, d: ex.y - o.y, e: ey.y - o.y, f: o.y };
}

/** The tracings superimposed on the first. */
export function superimpose(tracings: readonly PlacedTracing[], registration: RegistrationId): Superimposed {
  const reg = REGISTRATIONS[registration];
  if (!reg) throw new AppError('bad_request', `unknown registration '${registration}' (known: ${Object.keys(REGISTRATIONS).join(', ')})`);
  if (tracings.length < 2) throw new AppError('bad_request', 'superimposition needs at least two tracings');
  const mm = tracings.map(inMm);
  const [first] = mm;
  const frame = lineFrame(need(first, reg.axis[0], tracings[0].label, reg), need(first, reg.axis[1], tracings[0].label, reg));
  const usedPoints: LandmarkId[][] = [];
  const residualMm: (number | null)[] = [];
  const toFrame = mm.map((t, i) => {
    if (i === 0) return frame;
    let onFirst: Rigid;
    if (reg.kind === 'line') {
      const [a, b] = reg.points;
      // this tracing's line frame, then back out of the first's line frame
      const own = lineFrame(need(t, a, tracings[i].label, reg), need(t, b, tracings[i].label, reg));
      const firstLine = lineFrame(need(first, a, tracings[0].label, reg), need(first, b, tracings[0].label, reg));
      onFirst = compose(invert(firstLine), own);
      usedPoints.push([a, b]);
      residualMm.push(null);
    } else {
      const ids = reg.points.filter((id) => t[id] && first[id]);
      if (ids.length < 2) throw new AppError('bad_request', `${tracings[i].label} and ${tracings[0].label} share ${ids.length} of the points '${reg.name}' fits (${reg.points.join(', ')}); at least 2 are needed`);
      onFirst = bestFit(ids.map((id) => t[id]), ids.map((id) => first[id]));
      usedPoints.push(ids);
      residualMm.push(Math.sqrt(ids.reduce((s, id) => s + dist2(apply(onFirst, t[id]), first[id]), 0) / ids.length));
    }
    return compose(frame, onFirst);
  });
  const inFrame = mm.map((t, i) => Object.fromEntries(Object.entries(t).map(([id, p]) => [id, apply(toFrame[i], p)])));
  // back out of the frame into the first film's mm, its facing and its pixels
  const back = invert(frame);
  const k = tracings[0].mmPerPixel!;
  const sign = facesLeft(tracings[0].tracing) ? -1 : 1;
  const frameToFirstImage = (p: Point): Point => {
    const q = apply(back, p);
    return { x: (sign * q.x) / k, y: q.y / k };
  };
  const onFirstImage = inFrame.map((t) => Object.fromEntries(Object.entries(t).map(([id, p]) => [id, frameToFirstImage(p)])));
  const imageToFirst = tracings.map((t, i) => {
    // what inMm does to a point of this film, then into the frame and out onto the first film
    const own = facesLeft(t.tracing) ? -1 : 1;
    const ki = t.mmPerPixel!;
    return affineOf((p) => frameToFirstImage(apply(toFrame[i], { x: own * p.x * ki, y: p.y * ki })));
  });
  return { registration, name: reg.name, description: reg.description, usedPoints, tracings: inFrame, onFirstImage, toFrame, residualMm, imageToFirst };
}

function invert(m: Rigid): Rigid {
  // the inverse turn, and the shift turned back
  return { c: m.c, s: -m.s, tx: -(m.c * m.tx + m.s * m.ty), ty: -(-m.s * m.tx + m.c * m.ty) };
}

function dist2(a: Point, b: Point): number {
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
}
