// Other tracings drawn over the image (a superimposition: each time point in its colour, joined by
// the schematic outline), as SVG above the viewport, placed again whenever the view is rendered.
import { OUTLINE } from '../../src-shared/superimposition/drawing.js';
import { affineOf, type Affine } from '../../src-shared/superimposition/registration.js';
import type { ImagePoint } from './coords.js';

export interface OverlayTracing {
  label: string;
  colour: string;
  points: Record<string, ImagePoint>;
  /** the film itself, blended over the first: its picture and the map of its pixels onto the first's */
  picture?: { href: string; width: number; height: number; toFirst: Affine; opacity: number };
}

interface Props {
  tracings: readonly OverlayTracing[];
  /** image pixels -> position in the overlay box (null until the image is shown) */
  toBox(p: ImagePoint): { x: number; y: number } | null;
}

/** a after b */
function compose(a: Affine, b: Affine): Affine {
  return { a: a.a * b.a + a.b * b.d, b: a.a * b.b + a.b * b.e, c: a.a * b.c + a.b * b.f + a.c, d: a.d * b.a + a.e * b.d, e: a.d * b.b + a.e * b.e, f: a.d * b.c + a.e * b.f + a.f };
}

export function OverlayTracings({ tracings, toBox }: Props) {
  // the view's pan, zoom and flips are affine: three points tell it
  const shown = toBox({ x: 0, y: 0 }) !== null;
  const box = shown ? affineOf((p) => toBox(p)!) : null;
  return (
    <svg className="overlay-tracings" data-testid="superimposition-overlay" aria-hidden="true">
      {box &&
        tracings.map((t) => {
          if (!t.picture) return null;
          const m = compose(box, t.picture.toFirst);
          return (
            <image
              key={`picture-${t.label}`}
              href={t.picture.href}
              width={t.picture.width}
              height={t.picture.height}
              opacity={t.picture.opacity}
              preserveAspectRatio="none"
              transform={`matrix(${m.a} ${m.d} ${m.b} ${m.e} ${m.c} ${m.f})`}
              data-blend={t.label}
            />
          );
        })}
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
