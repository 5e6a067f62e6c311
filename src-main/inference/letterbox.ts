// Model-input geometry and resampling, the twin of training/preprocess.py: the same arithmetic
// in the same order, so the app's landmarks match the evaluation's.
import { areaResampleInto } from '../imaging/resample.js';

export interface Point {
  x: number;
  y: number;
}

/** The source region a resized image was made from, where that is not exactly the whole image
 *  (see ReducedGrey): [x0, x0 + width) x [y0, y0 + height). */
export interface Span {
  x0: number;
  y0: number;
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
    this.span = span ?? { x0: 0, y0: 0, width: srcW, height: srcH };
    this.scale = Math.min(dstW / srcW, dstH / srcH);
    this.resizedW = Math.max(1, Math.min(dstW, Math.floor(srcW * this.scale + 0.5)));
    this.resizedH = Math.max(1, Math.min(dstH, Math.floor(srcH * this.scale + 0.5)));
    this.offsetX = Math.floor((dstW - this.resizedW) / 2);
    this.offsetY = Math.floor((dstH - this.resizedH) / 2);
  }

  toInput(p: Point): Point {
    const { x0, y0, width, height } = this.span;
    return {
      x: ((p.x - x0 + 0.5) * this.resizedW) / width - 0.5 + this.offsetX,
      y: ((p.y - y0 + 0.5) * this.resizedH) / height - 0.5 + this.offsetY,
    };
  }

  toSource(p: Point): Point {
    const { x0, y0, width, height } = this.span;
    return {
      x: x0 + ((p.x - this.offsetX + 0.5) * width) / this.resizedW - 0.5,
      y: y0 + ((p.y - this.offsetY + 0.5) * height) / this.resizedH - 0.5,
    };
  }

  /** grey (srcH x srcW, row-major) -> (dstH x dstW) float32 in 0..255, zero padded. */
  apply(grey: Uint8Array): Float32Array {
    const out = new Float32Array(this.dstW * this.dstH);
    areaResampleInto(grey, this.srcW, this.srcH, this.resizedW, this.resizedH, out, this.dstW, this.offsetY * this.dstW + this.offsetX);
    return out;
  }
}
