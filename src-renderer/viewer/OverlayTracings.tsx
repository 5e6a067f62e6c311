// Other tracings drawn over the image (a superimposition: each time point in its colour, joined by
// the schematic outline), as SVG above the viewport, placed again whenever the view is rendered.
import { OUTLINE } from '../../src-shared/superimposition/drawing.js';
import type { ImagePoint } from './coords.js';

export interface OverlayTracing {
  label: string;
  colour: string;
  points: Record<string, ImagePoint>;
}

interface Props {
  tracings: readonly OverlayTracing[];
  /** image pixels -> position in the overlay box (null until the image is shown) */
  toBox(p: ImagePoint): { x: number; y: number } | null;
}

export function OverlayTracings({ tracings, toBox }: Props) {
  return (
    <svg className="overlay-tracings" data-testid="superimposition-overlay" aria-hidden="true">
      {tracings.map((t) => {
        const at: Record<string, { x: number; y: number }> = {};
        for (const [id, p] of Object.entries(t.points)) {
          const q = toBox(p);
          if (q) at[id] = q;
        }
        return (
          <g key={t.label} stroke={t.colour} fill={t.colour} data-label={t.label}>
            {OUTLINE.filter(([a, b]) => at[a] && at[b]).map(([a, b]) => (
              <line key={`${a}-${b}`} x1={at[a].x} y1={at[a].y} x2={at[b].x} y2={at[b].y} strokeWidth={1.5} />
            ))}
            {Object.entries(at).map(([id, q]) => (
              <circle key={id} cx={q.x} cy={q.y} r={2.5} data-landmark-id={id} />
            ))}
          </g>
        );
      })}
    </svg>
  );
}
