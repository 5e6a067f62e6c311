// Model-input geometry and resampling, the twin of training/preprocess.py: the same arithmetic
// in the same order, so the app's landmarks match the evaluation's.

export interface Point {
  x: number;
  y: number;
}

/** The source region a resized image was made from, where that is not the whole image: a
 *  reduced JPEG decode covers [x0, x0 + width) x [0, height) (x0 > 0 once mirrored). */
export interface Span {
  x0: number;
  width: number;
  height: number;
}

export class Letterbox {
  readonly scale: number;
  readonly resizedW: number;
  readonly resizedH: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly span: Span;

  constructor(
    readonly srcW: number,
    readonly srcH: number,
    readonly dstW: number,
    readonly dstH: number,
    span?: Span,
  ) {
    this.span = span ?? { x0: 0, width: srcW, height: srcH };
    this.scale = Math.min(dstW / srcW, dstH / srcH);
    this.resizedW = Math.max(1, Math.min(dstW, Math.floor(srcW * this.scale + 0.5)));
    this.resizedH = Math.max(1, Math.min(dstH, Math.floor(srcH * this.scale + 0.5)));
    this.offsetX = Math.floor((dstW - this.resizedW) / 2);
    this.offsetY = Math.floor((dstH - this.resizedH) / 2);
  }

  toInput(p: Point): Point {
    const { x0, width, height } = this.span;
    return {
      x: ((p.x - x0 + 0.5) * this.resizedW) / width - 0.5 + this.offsetX,
      y: ((p.y + 0.5) * this.resizedH) / height - 0.5 + this.offsetY,
    };
  }

  toSource(p: Point): Point {
    const { x0, width, height } = this.span;
    return {
      x: x0 + ((p.x - this.offsetX + 0.5) * width) / this.resizedW - 0.5,
      y: ((p.y - this.offsetY + 0.5) * height) / this.resizedH - 0.5,
    };
  }

  /** grey (srcH x srcW, row-major) -> (dstH x dstW) float32 in 0..255, zero padded. */
  apply(grey: Uint8Array): Float32Array {
    const { srcW, srcH, dstW, dstH, resizedW: rw, resizedH: rh, offsetX: ox, offsetY: oy } = this;
    if (grey.length !== srcW * srcH) throw new Error(`expected ${srcW * srcH} pixels, got ${grey.length}`);
    const wy = areaWeights(srcH, rh);
    const wx = areaWeights(srcW, rw);
    // Python computes (wy @ grey) @ wx.T in float64: rows first, then columns, as here, one
    // output row at a time so the intermediate stays one source row wide.
    const row = new Float64Array(srcW);
    const out = new Float32Array(dstW * dstH);
    for (let i = 0; i < rh; i++) {
      const { start, weights } = wy[i];
      row.fill(0);
      for (let k = 0; k < weights.length; k++) {
        const w = weights[k];
        let src = (start + k) * srcW;
        for (let x = 0; x < srcW; x++) row[x] += w * grey[src++];
      }
      const o = (i + oy) * dstW + ox;
      for (let j = 0; j < rw; j++) {
        const { start: s0, weights: ws } = wx[j];
        let acc = 0;
        for (let k = 0; k < ws.length; k++) acc += ws[k] * row[s0 + k];
        out[o + j] = acc;
      }
    }
    return out;
  }
}

export interface AreaWeight {
  start: number;
  weights: Float64Array;
}

/** Output i averages the source interval [i, i+1) * nIn / nOut, weighted by overlap. */
export function areaWeights(nIn: number, nOut: number): AreaWeight[] {
  const f = nIn / nOut;
  const out: AreaWeight[] = [];
  for (let i = 0; i < nOut; i++) {
    const a = i * f;
    const b = (i + 1) * f;
    const j0 = Math.floor(a);
    const j1 = Math.min(nIn, Math.ceil(b));
    const weights = new Float64Array(j1 - j0);
    let sum = 0;
    for (let j = j0; j < j1; j++) {
      const w = Math.max(0, Math.min(b, j + 1) - Math.max(a, j));
      weights[j - j0] = w;
      sum += w;
    }
    for (let k = 0; k < weights.length; k++) weights[k] /= sum;
    out.push({ start: j0, weights });
  }
  return out;
}
