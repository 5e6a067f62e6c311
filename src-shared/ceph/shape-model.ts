// How plausible a tracing of the 19 ISBI landmarks is, and how far each point lies from where the
// other 18 put it, by the statistical shape model training/shape_model.py fits to the training
// tracings (isbi-shape-model.json). A chest film's or a mirrored skull's "landmarks" are far from
// any skull's shape; a single point caught on the wrong edge is far from its conditional mean.
import { z } from 'zod';
import shapeModelData from './isbi-shape-model.json' with { type: 'json' };

const Matrix = z.array(z.array(z.number()));
const ShapeModelSchema = z.object({
  landmark_set: z.string(),
  source: z.string(),
  mean: z.array(z.tuple([z.number(), z.number()])).min(3),
  precision: Matrix,
  conditional: z.array(z.object({ regression: Matrix })),
  training_d2: z.object({ median: z.number(), p99: z.number(), max: z.number() }),
});
export type ShapeModelData = z.infer<typeof ShapeModelSchema>;

export interface Pt {
  x: number;
  y: number;
}

export interface ShapeFit {
  /** squared Mahalanobis distance of the aligned tracing to the mean shape */
  d2: number;
  /** per point: distance from its conditional mean given the other points, in the tracing's own pixels */
  residualPx: number[];
}

export class ShapeModel {
  readonly k: number;
  private readonly mean: Float64Array;

  constructor(readonly data: ShapeModelData) {
    this.k = data.mean.length;
    this.mean = Float64Array.from(data.mean.flat());
    if (data.precision.length !== 2 * this.k || data.conditional.length !== this.k) throw new Error('shape model: sizes do not match its mean shape');
  }

  /** points (K, image pixels) -> alignment onto the unit-size mean shape, and the fit. */
  fit(points: readonly Pt[]): ShapeFit {
    if (points.length !== this.k) throw new Error(`shape model has ${this.k} points, got ${points.length}`);
    const { aligned, scale } = this.align(points);
    const k = this.k;
    const d = aligned.map((v, i) => v - this.mean[i]);
    let d2 = 0;
    const P = this.data.precision;
    for (let i = 0; i < 2 * k; i++) {
      let row = 0;
      const Pi = P[i];
      for (let j = 0; j < 2 * k; j++) row += Pi[j] * d[j];
      d2 += d[i] * row;
    }
    const residualPx: number[] = [];
    for (let p = 0; p < k; p++) {
      const B = this.data.conditional[p].regression;
      let rx = d[2 * p];
      let ry = d[2 * p + 1];
      for (let j = 0, c = 0; j < 2 * k; j++) {
        if (j === 2 * p || j === 2 * p + 1) continue;
        rx -= B[0][c] * d[j];
        ry -= B[1][c] * d[j];
        c++;
      }
      residualPx.push(Math.hypot(rx, ry) / scale);
    }
    return { d2, residualPx };
  }

  /** The similarity (no reflection) that best maps the points onto the unit-size mean shape, as
   *  a = scale cos(angle), b = scale sin(angle): a vector v of the image is [a v.x - b v.y,
   *  b v.x + a v.y] in the mean shape's frame. A frame that follows the head, whatever the film's
   *  size, tilt or position. */
  similarity(points: readonly Pt[]): { a: number; b: number } {
    const k = this.k;
    let cx = 0;
    let cy = 0;
    for (const p of points) {
      cx += p.x / k;
      cy += p.y / k;
    }
    let a = 0;
    let b = 0;
    let n = 0;
    for (let i = 0; i < k; i++) {
      const x = points[i].x - cx;
      const y = points[i].y - cy;
      a += x * this.mean[2 * i] + y * this.mean[2 * i + 1];
      b += x * this.mean[2 * i + 1] - y * this.mean[2 * i];
      n += x * x + y * y;
    }
    return n === 0 ? { a: 1, b: 0 } : { a: a / n, b: b / n };
  }

  /** The points centred and mapped by similarity() onto the mean shape; its scale. */
  private align(points: readonly Pt[]): { aligned: number[]; scale: number } {
    const { a, b } = this.similarity(points);
    const cx = points.reduce((s, p) => s + p.x, 0) / this.k;
    const cy = points.reduce((s, p) => s + p.y, 0) / this.k;
    const aligned = points.flatMap((p) => [a * (p.x - cx) - b * (p.y - cy), b * (p.x - cx) + a * (p.y - cy)]);
    return { aligned, scale: Math.hypot(a, b) };
  }
}

let builtin: ShapeModel | undefined;

/** The shape model of the 19 ISBI landmarks, in the model's output order. */
export function isbiShapeModel(): ShapeModel {
  builtin ??= new ShapeModel(ShapeModelSchema.parse(shapeModelData));
  return builtin;
}
