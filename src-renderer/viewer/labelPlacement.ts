// Where each landmark's label goes: beside its point, on the first side where it covers neither
// another label nor another point (the incisors, lips and chin crowd together at fit zoom). Greedy,
// top to bottom, in canvas pixels; a label with no free side takes the side it overlaps least.

export interface LabelBox {
  id: string;
  /** the point, canvas pixels */
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlap = (a: Rect, b: Rect) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

/** Top-left corner of each label. `gap` keeps a label off its own point's circle. */
export function placeLabels(labels: readonly LabelBox[], gap: number): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>();
  const points: Rect[] = labels.map((l) => ({ x: l.x - gap, y: l.y - gap, w: 2 * gap, h: 2 * gap }));
  const placed: Rect[] = [];
  const order = [...labels.keys()].sort((i, j) => labels[i]!.y - labels[j]!.y || labels[i]!.x - labels[j]!.x);
  for (const i of order) {
    const l = labels[i]!;
    const { width: w, height: h } = l;
    // right-up first (where labels have always been), then the other sides, then further out
    const candidates: Rect[] = [
      { x: l.x + gap, y: l.y - h + 2, w, h },
      { x: l.x + gap, y: l.y - 2, w, h },
      { x: l.x - gap - w, y: l.y - h + 2, w, h },
      { x: l.x - gap - w, y: l.y - 2, w, h },
      { x: l.x - w / 2, y: l.y - gap - h, w, h },
      { x: l.x - w / 2, y: l.y + gap, w, h },
      { x: l.x + gap, y: l.y - 2 * h, w, h },
      { x: l.x + gap, y: l.y + h, w, h },
      { x: l.x - gap - w, y: l.y - 2 * h, w, h },
      { x: l.x - gap - w, y: l.y + h, w, h },
    ];
    let best = candidates[0]!;
    let bestCost = Infinity;
    for (const c of candidates) {
      let cost = 0;
      for (const p of placed) cost += overlap(c, p);
      points.forEach((p, k) => {
        if (k !== i) cost += overlap(c, p);
      });
      if (cost < bestCost) {
        best = c;
        bestCost = cost;
        if (cost === 0) break;
      }
    }
    placed.push(best);
    out.set(l.id, { x: best.x, y: best.y });
  }
  return out;
}
