// The lines an analysis is read from (S-N, FH, N-A, the mandibular plane ...), each with its colour
// and which analyses use it: the same in the viewer's overlay and the PDF's tracing, so the two read
// alike. Planes are drawn a little beyond their defining points; segments end at them.
import { occlusalPlane, OCCLUSAL_PLANE_LANDMARKS } from './occlusal-plane.js';
import type { Point } from './types.js';

export interface TracingLine {
  id: string;
  label: string;
  a: Point;
  b: Point;
  /** RGB hex */
  colour: string;
  /** planes are drawn a little beyond their defining points, segments end at them */
  kind: 'plane' | 'segment';
}

type Lookup = (id: string) => Point | undefined;

interface LineDef {
  id: string;
  label: string;
  colour: string;
  kind: TracingLine['kind'];
  /** analyses that use the line; 'always' for the reference planes every reader orients by */
  analyses: readonly string[] | 'always';
  ends: (p: Lookup) => [Point, Point] | undefined;
}

const between =
  (from: string, to: string): LineDef['ends'] =>
  (p) => {
    const a = p(from);
    const b = p(to);
    return a && b ? [a, b] : undefined;
  };

const LINES: readonly LineDef[] = [
  { id: 'sn', label: 'S-N', colour: '#00a0ff', kind: 'plane', analyses: 'always', ends: between('sella', 'nasion') },
  { id: 'fh', label: 'FH', colour: '#ffb000', kind: 'plane', analyses: 'always', ends: between('porion', 'orbitale') },
  { id: 'na', label: 'N-A', colour: '#40e040', kind: 'segment', analyses: ['steiner', 'ricketts', 'isbi2015'], ends: between('nasion', 'subspinale') },
  { id: 'nb', label: 'N-B', colour: '#e040e0', kind: 'segment', analyses: ['steiner', 'isbi2015'], ends: between('nasion', 'supramentale') },
  { id: 'go_gn', label: 'Go-Gn', colour: '#ff5050', kind: 'plane', analyses: ['steiner', 'isbi2015'], ends: between('gonion', 'gnathion') },
  {
    id: 'mp',
    label: 'MP (Go-Me)',
    colour: '#ff7070',
    kind: 'plane',
    analyses: ['downs', 'tweed', 'ricketts', 'bjork_jarabak'],
    ends: between('gonion', 'menton'),
  },
  { id: 'facial', label: 'N-Pog', colour: '#00e0c0', kind: 'plane', analyses: ['downs', 'ricketts'], ends: between('nasion', 'pogonion') },
  { id: 'y_axis', label: 'Y-axis (S-Gn)', colour: '#c0c0ff', kind: 'segment', analyses: ['downs'], ends: between('sella', 'gnathion') },
  { id: 'a_pog', label: 'A-Pog', colour: '#a0ff60', kind: 'segment', analyses: ['downs', 'ricketts'], ends: between('subspinale', 'pogonion') },
  { id: 'ab', label: 'A-B', colour: '#ffe060', kind: 'segment', analyses: ['downs'], ends: between('subspinale', 'supramentale') },
  { id: 'palatal', label: 'PP (ANS-PNS)', colour: '#ff9f40', kind: 'plane', analyses: ['isbi2015'], ends: between('posterior_nasal_spine', 'anterior_nasal_spine') },
  {
    id: 'occlusal',
    label: 'OP',
    colour: '#60ffff',
    kind: 'plane',
    analyses: ['steiner', 'downs', 'wits'],
    ends: (p) => {
      const pts = OCCLUSAL_PLANE_LANDMARKS.map((id) => p(id));
      if (pts.some((q) => !q)) return undefined;
      const [upper_molar, lower_molar, upper_incisal_incision, lower_incisal_incision] = pts as Point[];
      const op = occlusalPlane({ upper_molar, lower_molar, upper_incisal_incision, lower_incisal_incision });
      return [op.posterior, op.anterior];
    },
  },
  { id: 'u1_axis', label: 'U1 axis', colour: '#f0f0a0', kind: 'segment', analyses: ['steiner', 'downs', 'ricketts'], ends: between('upper_incisor_apex', 'upper_incisal_incision') },
  { id: 'l1_axis', label: 'L1 axis', colour: '#a0f0f0', kind: 'segment', analyses: ['steiner', 'downs', 'tweed', 'ricketts'], ends: between('lower_incisor_apex', 'lower_incisal_incision') },
  { id: 'e_line', label: 'E-line', colour: '#ff80c0', kind: 'plane', analyses: ['ricketts'], ends: between('pronasale', 'soft_tissue_pogonion') },
  { id: 's_ar', label: 'S-Ar', colour: '#b0b0ff', kind: 'segment', analyses: ['bjork_jarabak'], ends: between('sella', 'articulare') },
  { id: 'ramus', label: 'Ar-Go', colour: '#b0b0ff', kind: 'segment', analyses: ['bjork_jarabak'], ends: between('articulare', 'gonion') },
  { id: 'co_a', label: 'Co-A', colour: '#80ff80', kind: 'segment', analyses: ['mcnamara'], ends: between('condylion', 'subspinale') },
  { id: 'co_gn', label: 'Co-Gn', colour: '#ff8080', kind: 'segment', analyses: ['mcnamara'], ends: between('condylion', 'gnathion') },
  { id: 'lafh', label: 'ANS-Me', colour: '#ffd0a0', kind: 'segment', analyses: ['mcnamara'], ends: between('anterior_nasal_spine', 'menton') },
  {
    id: 'n_perp',
    label: 'N-perp',
    colour: '#ffff80',
    kind: 'segment',
    analyses: ['mcnamara'],
    // the perpendicular to FH through nasion, drawn down towards the chin whichever way the face looks
    ends: (p) => {
      const po = p('porion');
      const or = p('orbitale');
      const n = p('nasion');
      const chin = p('menton') ?? p('pogonion') ?? p('gnathion');
      if (!po || !or || !n || !chin) return undefined;
      const fx = or.x - po.x;
      const fy = or.y - po.y;
      const len = Math.hypot(fx, fy);
      if (len === 0) return undefined;
      let nx = -fy / len;
      let ny = fx / len;
      if (nx * (chin.x - n.x) + ny * (chin.y - n.y) < 0) [nx, ny] = [-nx, -ny];
      const reach = nx * (chin.x - n.x) + ny * (chin.y - n.y);
      return [n, { x: n.x + nx * reach, y: n.y + ny * reach }];
    },
  },
];

/** Fraction of a plane's length it is drawn beyond each of its defining points. */
export const PLANE_OVERHANG = 0.12;

/** The lines of the chosen analyses (and the reference planes) that the points at hand define. */
export function tracingLines(points: Readonly<Record<string, Point>>, analysisIds: readonly string[]): TracingLine[] {
  const lookup: Lookup = (id) => points[id];
  const lines: TracingLine[] = [];
  for (const def of LINES) {
    if (def.analyses !== 'always' && !def.analyses.some((a) => analysisIds.includes(a))) continue;
    const ends = def.ends(lookup);
    if (!ends) continue;
    let [a, b] = ends;
    if (a.x === b.x && a.y === b.y) continue;
    if (def.kind === 'plane') [a, b] = extend(a, b, PLANE_OVERHANG);
    lines.push({ id: def.id, label: def.label, a, b, colour: def.colour, kind: def.kind });
  }
  return lines;
}

function extend(a: Point, b: Point, f: number): [Point, Point] {
  const dx = (b.x - a.x) * f;
  const dy = (b.y - a.y) * f;
  return [
    { x: a.x - dx, y: a.y - dy },
    { x: b.x + dx, y: b.y + dy },
  ];
}
