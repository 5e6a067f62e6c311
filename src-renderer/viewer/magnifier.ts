// The magnifier shown while a landmark is dragged: a square beside the pointer with the film
// around the landmark drawn larger, from the image's own pixels (not the screen's, which at fit
// zoom hold a third of them), in the viewer's window and polarity, with a cross at the landmark.
// It sits up and to the left of the pointer, where the hand does not cover it, and flips to the
// other side near the viewer's edge.
import type { ImagePoint } from './coords.js';

/** the square's side, CSS pixels */
export const MAGNIFIER_SIZE = 180;
/** how much larger than the view it draws, within the bounds below (screen pixels per image pixel) */
export const MAGNIFIER_FACTOR = 3;
const MIN_SCALE = 2;
const MAX_SCALE = 12;
const GAP = 24;

export interface MagnifierSource {
  width: number;
  height: number;
  /** one grey value per pixel, row-major */
  pixels: ArrayLike<number>;
  window: { lower: number; upper: number };
  invert: boolean;
}

export function magnifierScale(zoom: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, zoom * MAGNIFIER_FACTOR));
}

export class Magnifier {
  readonly canvas: HTMLCanvasElement;
  private readonly image: ImageData;

  constructor(parent: HTMLElement) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = MAGNIFIER_SIZE;
    this.canvas.height = MAGNIFIER_SIZE;
    this.canvas.className = 'magnifier';
    this.canvas.dataset.testid = 'magnifier';
    this.canvas.hidden = true;
    parent.appendChild(this.canvas);
    this.image = new ImageData(MAGNIFIER_SIZE, MAGNIFIER_SIZE);
  }

  /** Draws the film about `at` (image pixels) at `scale` screen pixels an image pixel, beside the
   *  pointer (`pointer`, CSS pixels in the parent; `bounds` the parent's size). */
  show(src: MagnifierSource, at: ImagePoint, scale: number, pointer: [number, number], bounds: [number, number]): void {
    const n = MAGNIFIER_SIZE;
    const half = n / 2;
    const { lower, upper } = src.window;
    const span = Math.max(upper - lower, 1e-6);
    const out = this.image.data;
    for (let v = 0; v < n; v++) {
      const y = Math.round(at.y + (v + 0.5 - half) / scale);
      for (let u = 0; u < n; u++) {
        const x = Math.round(at.x + (u + 0.5 - half) / scale);
        let g = 0;
        if (x >= 0 && y >= 0 && x < src.width && y < src.height) {
          g = Math.min(255, Math.max(0, ((src.pixels[y * src.width + x]! - lower) / span) * 255));
          if (src.invert) g = 255 - g;
        }
        const j = (v * n + u) * 4;
        out[j] = out[j + 1] = out[j + 2] = g;
        out[j + 3] = 255;
      }
    }
    const ctx = this.canvas.getContext('2d')!;
    ctx.putImageData(this.image, 0, 0);
    ctx.strokeStyle = '#ffd400';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const [x0, y0, x1, y1] of [
      [half - 14, half, half - 4, half],
      [half + 4, half, half + 14, half],
      [half, half - 14, half, half - 4],
      [half, half + 4, half, half + 14],
    ] as const) {
      ctx.moveTo(x0 + 0.5, y0 + 0.5);
      ctx.lineTo(x1 + 0.5, y1 + 0.5);
    }
    ctx.stroke();
    const left = pointer[0] - GAP - n >= 0 ? pointer[0] - GAP - n : Math.min(pointer[0] + GAP, bounds[0] - n);
    const top = pointer[1] - GAP - n >= 0 ? pointer[1] - GAP - n : Math.min(pointer[1] + GAP, bounds[1] - n);
    this.canvas.style.left = `${Math.max(0, left)}px`;
    this.canvas.style.top = `${Math.max(0, top)}px`;
    this.canvas.dataset.scale = String(scale);
    this.canvas.dataset.at = `${at.x},${at.y}`;
    this.canvas.hidden = false;
  }

  hide(): void {
    this.canvas.hidden = true;
  }

  remove(): void {
    this.canvas.remove();
  }
}
