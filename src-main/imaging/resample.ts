// Area averaging: each output pixel is the mean of the source area it covers, weighted by
// overlap. The model's letterbox (inference/letterbox.ts) and the reduced DICOM read use it; the
// arithmetic is training/preprocess.py's, in the same order.

interface AreaWeight {
  start: number;
  weights: Float64Array;
}

/** Output i averages the source interval [i, i+1) * nIn / nOut, weighted by overlap. */
function areaWeights(nIn: number, nOut: number): AreaWeight[] {
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

/** src (sh x sw, row-major) averaged down or up to dh x dw, written into `out` at row stride
 *  `stride` from index `offset` (so a letterbox can place it inside its padding). */
export function areaResampleInto(src: ArrayLike<number>, sw: number, sh: number, dw: number, dh: number, out: Float32Array, stride = dw, offset = 0): void {
  if (src.length !== sw * sh) throw new Error(`expected ${sw * sh} pixels, got ${src.length}`);
  const wy = areaWeights(sh, dh);
  const wx = areaWeights(sw, dw);
  // Python computes (wy @ src) @ wx.T in float64: rows first, then columns, as here, one output
  // row at a time so the intermediate stays one source row wide.
  const row = new Float64Array(sw);
  for (let i = 0; i < dh; i++) {
    const { start, weights } = wy[i];
    row.fill(0);
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k];
      let s = (start + k) * sw;
      for (let x = 0; x < sw; x++) row[x] += w * src[s++];
    }
    const o = offset + i * stride;
    for (let j = 0; j < dw; j++) {
      const { start: s0, weights: ws } = wx[j];
      let acc = 0;
      for (let k = 0; k < ws.length; k++) acc += ws[k] * row[s0 + k];
      out[o + j] = acc;
    }
  }
}
