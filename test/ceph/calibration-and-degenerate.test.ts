// Linear measures follow the pixel spacing and refuse to guess without it; degenerate geometry
// reads 'cannot_compute'; nothing ever comes out as NaN or Infinity.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateMeasure } from '../../src-shared/ceph/evaluate-measure.js';
import { MEASURES } from '../../src-shared/ceph/measures/index.js';
import { dental, sagittal, vertical, kim } from '../../src-shared/ceph/measures/index.js';
import type { MeasureResult } from '../../src-shared/ceph/types.js';
import { realisticTracing } from './fixtures.js';
import { near } from './helpers.js';

const ALL = Object.values(MEASURES);
const LINEAR = ALL.filter((m) => m.unit === 'mm');

function assertNoNonFinite(r: MeasureResult, what: string): void {
  assert.ok(['ok', 'cannot_compute'].includes(r.status), `${what}: ${JSON.stringify(r)}`);
  if (r.status === 'ok') {
    assert.ok(Number.isFinite(r.value), `${what}: value ${r.value}`);
    if (r.deviation !== undefined) assert.ok(Number.isFinite(r.deviation), `${what}: deviation`);
  } else if (r.status === 'cannot_compute') {
    assert.ok(r.reason.length > 0, `${what}: empty reason`);
  }
}

describe('calibration', () => {
  const t = realisticTracing();

  it('declares needsCalibration exactly for millimetre measures', () => {
    assert.ok(LINEAR.length >= 15, 'expected many linear measures');
    for (const m of ALL) assert.equal(m.needsCalibration, m.unit === 'mm', m.id);
  });

  it('scales linear measures with mm per pixel', () => {
    for (const m of LINEAR) {
      const a = evaluateMeasure(m, t, { mmPerPixel: 0.1 });
      const b = evaluateMeasure(m, t, { mmPerPixel: 0.25 });
      assert.ok(a.status === 'ok' && b.status === 'ok', m.id);
      near(b.value, a.value * 2.5, 1e-9 * Math.max(1, Math.abs(a.value)), m.id);
    }
  });

  it("reads 'uncalibrated' without a usable spacing", () => {
    for (const m of LINEAR) {
      for (const mmPerPixel of [undefined, 0, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
        assert.deepEqual(evaluateMeasure(m, t, { mmPerPixel }), { status: 'uncalibrated' }, `${m.id} with ${mmPerPixel}`);
      }
    }
  });

  it('leaves angles and ratios alone without a spacing', () => {
    for (const m of ALL.filter((x) => x.unit !== 'mm')) {
      const a = evaluateMeasure(m, t);
      const b = evaluateMeasure(m, t, { mmPerPixel: 0.37 });
      assert.ok(a.status === 'ok' && b.status === 'ok', m.id);
      assert.equal(a.value, b.value, m.id);
    }
  });

  it('reports missing landmarks before asking for calibration', () => {
    const { menton: _drop, ...rest } = t;
    assert.deepEqual(evaluateMeasure(vertical.lowerAnteriorFaceHeight, rest), { status: 'missing', missing: ['menton'] });
  });
});

describe('degenerate geometry', () => {
  const t = realisticTracing();

  it("coincident points give 'cannot_compute' with a reason", () => {
    const cases = [
      { m: sagittal.sna, patch: { nasion: t.sella } },
      { m: sagittal.anb, patch: { supramentale: t.nasion } },
      { m: vertical.fma, patch: { orbitale: t.porion } },
      { m: vertical.facialHeightIndex, patch: { menton: t.nasion } },
      { m: vertical.jarabakRatio, patch: { menton: t.nasion } },
      { m: dental.impa, patch: { lower_incisor_apex: t.lower_incisal_incision } },
      { m: dental.modifiedWits, patch: { orbitale: t.porion } },
      // Molars and incisors all at one spot: the occlusal plane has no direction.
      {
        m: sagittal.wits,
        patch: { lower_molar: t.upper_molar, upper_incisal_incision: t.upper_molar, lower_incisal_incision: t.upper_molar },
      },
      { m: kim.overbiteDepthIndicator, patch: { anterior_nasal_spine: t.posterior_nasal_spine } },
    ];
    for (const { m, patch } of cases) {
      const r = evaluateMeasure(m, { ...t, ...patch }, { mmPerPixel: 0.1 });
      assert.equal(r.status, 'cannot_compute', `${m.id}: ${JSON.stringify(r)}`);
    }
  });

  it("a side reference on the line itself gives 'cannot_compute' (no way to tell front from back)", () => {
    // Sella placed on the facial plane N-Pog: which side is anterior is undefined.
    const onLine = { x: 2 * t.nasion.x - t.pogonion.x, y: 2 * t.nasion.y - t.pogonion.y };
    const r = evaluateMeasure(sagittal.convexityMm, { ...t, sella: onLine }, { mmPerPixel: 0.1 });
    assert.equal(r.status, 'cannot_compute');
  });

  it('never yields NaN or Infinity when any two landmarks of a measure coincide', () => {
    for (const m of ALL) {
      for (const a of m.needs) {
        for (const b of m.needs) {
          if (a === b) continue;
          const r = evaluateMeasure(m, { ...t, [b]: t[a] }, { mmPerPixel: 0.1 });
          assertNoNonFinite(r, `${m.id} with ${b} on ${a}`);
        }
      }
    }
  });

  it('never yields NaN or Infinity when the whole tracing collapses to one point', () => {
    const p = { x: 5, y: 5 };
    const collapsed = Object.fromEntries(Object.keys(t).map((k) => [k, p]));
    for (const m of ALL) {
      const r = evaluateMeasure(m, collapsed, { mmPerPixel: 0.1 });
      assertNoNonFinite(r, m.id);
      if (m.unit !== 'mm') assert.equal(r.status, 'cannot_compute', m.id);
    }
  });

  it('treats non-finite or malformed coordinates as missing', () => {
    const bad = { ...t, nasion: { x: Number.NaN, y: 3 }, sella: { x: 1, y: Number.POSITIVE_INFINITY } };
    assert.deepEqual(evaluateMeasure(sagittal.sna, bad), { status: 'missing', missing: ['sella', 'nasion'] });
    const junk = { ...t, subspinale: { x: '12', y: 4 } } as unknown as typeof t;
    assert.deepEqual(evaluateMeasure(sagittal.sna, junk), { status: 'missing', missing: ['subspinale'] });
  });
});
