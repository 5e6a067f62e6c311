// Heatmap decoding, the twin of training/codec.py (HeatmapCodec.decode): argmax, one Newton
// step on the log-density clamped to refine_clamp, softmax mass near the peak as confidence.
import type { ModelCard } from '../../src-shared/model-card.js';
import type { Point } from './letterbox.js';

export interface DecodedPoint extends Point {
  confidence: number;
}

export type CodecParams = ModelCard['codec'];

/** Per-channel reductions the model computed itself (see the card's output.reductions). */
export interface HeatmapReductions {
  /** flat index of each channel's maximum (first one on ties, as numpy's argmax) */
  peakIndex: ArrayLike<number>;
  /** log of the sum of exp over each channel */
  logMass: ArrayLike<number>;
}

/** logits: K channels of h*w (row-major) -> K points in model-input pixels. */
export function decodeHeatmaps(logits: Float32Array, k: number, h: number, w: number, codec: CodecParams, given?: HeatmapReductions): DecodedPoint[] {
  if (logits.length !== k * h * w) throw new Error(`heatmaps hold ${logits.length} values, expected ${k}x${h}x${w}`);
  if (given && (given.peakIndex.length !== k || given.logMass.length !== k)) throw new Error(`heatmap reductions hold ${given.peakIndex.length} and ${given.logMass.length} values, expected ${k}`);
  const out: DecodedPoint[] = [];
  const r2 = codec.confidence_radius * codec.confidence_radius;
  for (let c = 0; c < k; c++) {
    const base = c * h * w;
    let best = -Infinity;
    let idx = 0;
    if (given) {
      idx = given.peakIndex[c];
      best = logits[base + idx];
    } else {
      for (let i = 0; i < h * w; i++) {
        const v = logits[base + i];
        if (v > best) {
          best = v;
          idx = i;
        }
      }
    }
    const py = Math.floor(idx / w);
    const px = idx - py * w;
    const at = (y: number, x: number) => logits[base + y * w + x];
    const dx = px > 0 && px < w - 1 ? newton(at(py, px - 1), at(py, px), at(py, px + 1), codec.refine_clamp) : 0;
    const dy = py > 0 && py < h - 1 ? newton(at(py - 1, px), at(py, px), at(py + 1, px), codec.refine_clamp) : 0;
    const hx = px + dx;
    const hy = py + dy;
    // Softmax mass: the whole map for the denominator, only the disc's bounding box for the
    // numerator (no distance test on the ~50 000 cells that cannot be inside it).
    let total = 0;
    if (given) total = Math.exp(given.logMass[c] - best);
    else for (let i = base, end = base + h * w; i < end; i++) total += Math.exp(logits[i] - best);
    const r = codec.confidence_radius;
    let near = 0;
    for (let y = Math.max(0, Math.ceil(hy - r)); y <= Math.min(h - 1, Math.floor(hy + r)); y++) {
      for (let x = Math.max(0, Math.ceil(hx - r)); x <= Math.min(w - 1, Math.floor(hx + r)); x++) {
        if ((x - hx) * (x - hx) + (y - hy) * (y - hy) <= r2) near += Math.exp(logits[base + y * w + x] - best);
      }
    }
    out.push({
      x: (hx + 0.5) * codec.stride - 0.5,
      y: (hy + 0.5) * codec.stride - 0.5,
      confidence: near / total,
    });
  }
  return out;
}

function newton(a: number, b: number, c: number, clamp: number): number {
  const second = a - 2 * b + c;
  if (second >= 0) return 0;
  const step = -(c - a) / (2 * second);
  return Math.max(-clamp, Math.min(clamp, step));
}
