// Every measure of every analysis, on a realistic tracing, must not care how the image is turned,
// shifted, scaled or mirrored: angles and ratios stay put, millimetres stay put once the pixel
// spacing follows the scale, and signed measures keep their sign for a left-facing profile.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANALYSES } from '../../src-shared/ceph/analyses.js';
import { evaluateAnalysis } from '../../src-shared/ceph/evaluate-analysis.js';
import type { Point } from '../../src-shared/ceph/types.js';
import { mapTracing, mirrorX, mirrorY, realisticTracing, similarity } from './fixtures.js';
import { near } from './helpers.js';

const MM_PER_PX = 0.1;

interface Variant {
  name: string;
  f: (p: Point) => Point;
  scale: number;
}

const VARIANTS: Variant[] = [
  { name: 'translated', f: similarity(0, 1, { x: -431.5, y: 977 }), scale: 1 },
  { name: 'rotated 90°', f: similarity(90, 1, { x: 0, y: 0 }), scale: 1 },
  { name: 'rotated -37°', f: similarity(-37, 1, { x: 12, y: 3 }), scale: 1 },
  { name: 'rotated 180°', f: similarity(180, 1, { x: 0, y: 0 }), scale: 1 },
  { name: 'scaled 0.37', f: similarity(0, 0.37, { x: 0, y: 0 }), scale: 0.37 },
  { name: 'scaled 3.2 and rotated 211°', f: similarity(211, 3.2, { x: 5000, y: -20 }), scale: 3.2 },
  { name: 'mirrored left-right (left-facing)', f: mirrorX(), scale: 1 },
  { name: 'mirrored top-bottom (y-up convention)', f: mirrorY(), scale: 1 },
  {
    name: 'mirrored, rotated 64°, scaled 1.9',
    f: (p) => similarity(64, 1.9, { x: 7, y: 7 })(mirrorX()(p)),
    scale: 1.9,
  },
];

describe('invariance of all measures under similarity transforms', () => {
  const base = realisticTracing();

  for (const analysis of Object.values(ANALYSES)) {
    const reference = evaluateAnalysis(analysis.id, base, { mmPerPixel: MM_PER_PX });

    it(`${analysis.id}: every measure computes on the realistic tracing`, () => {
      assert.deepEqual(reference.missing, []);
      for (const m of reference.measures) assert.equal(m.result.status, 'ok', `${m.id}: ${JSON.stringify(m.result)}`);
    });

    for (const v of VARIANTS) {
      it(`${analysis.id}: ${v.name}`, () => {
        const moved = mapTracing(base, v.f);
        const got = evaluateAnalysis(analysis.id, moved, { mmPerPixel: MM_PER_PX / v.scale });
        for (const [i, m] of got.measures.entries()) {
          const ref = reference.measures[i].result;
          assert.equal(m.result.status, 'ok', `${m.id}: ${JSON.stringify(m.result)}`);
          if (m.result.status !== 'ok' || ref.status !== 'ok') continue;
          near(m.result.value, ref.value, 1e-9 * Math.max(1, Math.abs(ref.value)), `${m.id} (${m.unit})`);
          assert.equal(m.result.flag, ref.flag, m.id);
        }
      });
    }
  }

  it('linear measures do change with scale when the spacing is not adjusted (the test can fail)', () => {
    const moved = mapTracing(base, similarity(0, 2, { x: 0, y: 0 }));
    const a = evaluateAnalysis('mcnamara', base, { mmPerPixel: MM_PER_PX });
    const b = evaluateAnalysis('mcnamara', moved, { mmPerPixel: MM_PER_PX });
    const coA = (r: typeof a) => r.measures.find((m) => m.id === 'co_a')!.result;
    const [ra, rb] = [coA(a), coA(b)];
    assert.ok(ra.status === 'ok' && rb.status === 'ok');
    near(rb.value, 2 * ra.value, 1e-9, 'Co-A doubles');
  });
});
