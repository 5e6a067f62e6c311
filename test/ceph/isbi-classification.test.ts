import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src-shared/errors.js';
import {
  ISBI_MEASURE_IDS,
  ISBI_RULES,
  classAgreement,
  classDistribution,
  isbiClasses,
  type IsbiClasses,
  type IsbiLabel,
} from '../../src-shared/ceph/isbi-classification.js';
import { ISBI_MM_PER_PIXEL, tracingFromIsbiCoordinates } from '../../src-shared/ceph/isbi-tracing.js';
import { averageTracings } from '../../src-shared/ceph/tracing.js';
import { readIsbiCsv, realisticTracing } from './fixtures.js';

describe('ISBI thresholds', () => {
  const c = (id: keyof typeof ISBI_RULES, v: number) => ISBI_RULES[id].classify(v);

  it('sorts each measure by the challenge thresholds, normal range inclusive', () => {
    assert.deepEqual([c('ANB', 3.19), c('ANB', 3.2), c('ANB', 5.7), c('ANB', 5.71)], ['class_III', 'class_I', 'class_I', 'class_II']);
    assert.deepEqual([c('SNB', 74), c('SNB', 76), c('SNB', 79)], ['retrognathic', 'normal', 'prognathic']);
    assert.deepEqual([c('SNA', 79), c('SNA', 81), c('SNA', 84)], ['retrognathic', 'normal', 'prognathic']);
    assert.deepEqual([c('ODI', 68), c('ODI', 74), c('ODI', 81)], ['open_bite_tendency', 'normal', 'deep_bite_tendency']);
    assert.deepEqual([c('APDI', 77), c('APDI', 81), c('APDI', 86)], ['class_II', 'class_I', 'class_III']);
    assert.deepEqual([c('FHI', 0.6), c('FHI', 0.7), c('FHI', 0.8)], ['long_face', 'normal', 'short_face']);
    assert.deepEqual([c('FMA', 26), c('FMA', 29), c('FMA', 32)], ['low_angle', 'normal', 'high_angle']);
  });

  it('gives MW between 0 and 2 mm its own edge-to-edge class instead of crossbite', () => {
    const mw = (v: number) => c('MW', v);
    assert.deepEqual(
      [mw(-0.5), mw(0), mw(0.7), mw(1.99), mw(2), mw(4.5), mw(4.6)],
      ['anterior_crossbite', 'edge_to_edge', 'edge_to_edge', 'edge_to_edge', 'normal', 'normal', 'large_overjet'],
    );
  });

  it('labels a tracing and leaves MW unlabelled without calibration', () => {
    const t = realisticTracing();
    const withMm = isbiClasses(t, 0.1);
    for (const id of ISBI_MEASURE_IDS) assert.notEqual(withMm[id].label, null, id);
    assert.equal(withMm.FMA.measureId, 'sn_gogn');
    const without = isbiClasses(t, undefined);
    assert.equal(without.MW.label, null);
    assert.deepEqual(without.MW.result, { status: 'uncalibrated' });
    assert.equal(without.ANB.label, withMm.ANB.label);
  });
});

describe('class agreement', () => {
  const fake = (labels: Partial<Record<(typeof ISBI_MEASURE_IDS)[number], IsbiLabel | null>>): IsbiClasses =>
    Object.fromEntries(
      ISBI_MEASURE_IDS.map((id) => [
        id,
        { measureId: id, result: { status: 'uncalibrated' as const }, label: labels[id] ?? null },
      ]),
    ) as unknown as IsbiClasses;

  it('counts equal classes per measure over images where both have one', () => {
    const a = [fake({ ANB: 'class_I', SNA: 'normal' }), fake({ ANB: 'class_II' }), fake({ ANB: 'class_I' }), fake({ ANB: null })];
    const b = [fake({ ANB: 'class_I', SNA: 'prognathic' }), fake({ ANB: 'class_I' }), fake({ ANB: 'class_I' }), fake({ ANB: 'class_I' })];
    const r = classAgreement(a, b);
    assert.deepEqual(r.ANB, { compared: 3, equal: 2, rate: 2 / 3 });
    assert.deepEqual(r.SNA, { compared: 1, equal: 0, rate: 0 });
    assert.deepEqual(r.MW, { compared: 0, equal: 0, rate: null });
  });

  it('refuses lists of different lengths', () => {
    assert.throws(() => classAgreement([fake({})], []), (e) => e instanceof AppError && e.code === 'bad_request');
  });
});

describe('ISBI 2015 annotations (300 images, senior and junior)', () => {
  const senior = readIsbiCsv('senior.csv');
  const junior = readIsbiCsv('junior.csv');

  it('reads both annotators for the same images', () => {
    assert.equal(senior.length, 300);
    assert.deepEqual(
      senior.map((r) => r.id),
      junior.map((r) => r.id),
    );
  });

  const seniorT = senior.map((r) => tracingFromIsbiCoordinates(r.coords));
  const juniorT = junior.map((r) => tracingFromIsbiCoordinates(r.coords));
  const meanT = seniorT.map((s, i) => averageTracings([s, juniorT[i]]));
  const meanClasses = meanT.map((t) => isbiClasses(t, ISBI_MM_PER_PIXEL));

  it('gives plausible values on the mean of the two annotators', () => {
    const values = (id: (typeof ISBI_MEASURE_IDS)[number]) =>
      meanClasses.map((c) => {
        const r = c[id].result;
        assert.equal(r.status, 'ok', `${id}: ${JSON.stringify(r)}`);
        return r.status === 'ok' ? r.value : Number.NaN;
      });
    const share = (xs: number[], lo: number, hi: number) => xs.filter((x) => x >= lo && x <= hi).length / xs.length;
    const summary = (xs: number[]) => {
      const s = [...xs].sort((p, q) => p - q);
      const q = (f: number) => s[Math.floor(f * (s.length - 1))].toFixed(2);
      return `min ${q(0)}  p10 ${q(0.1)}  median ${q(0.5)}  p90 ${q(0.9)}  max ${q(1)}`;
    };
    const ranges: Record<(typeof ISBI_MEASURE_IDS)[number], [number, number]> = {
      ANB: [-5, 12],
      SNB: [65, 95],
      SNA: [70, 95],
      ODI: [45, 95],
      APDI: [65, 110],
      FHI: [0.5, 0.9],
      FMA: [15, 50],
      MW: [-8, 15],
    };
    for (const id of ISBI_MEASURE_IDS) {
      const xs = values(id);
      console.log(`${id.padEnd(5)} ${summary(xs)}  within ${ranges[id]}: ${(100 * share(xs, ...ranges[id])).toFixed(1)}%`);
      // A clinical sample with many Class III patients: "mostly" means nine in ten here.
      assert.ok(share(xs, ...ranges[id]) >= 0.9, `${id}: under 90% of images within ${ranges[id]}`);
    }
  });

  it('agrees across measures that should agree (sign conventions hold on real data)', () => {
    const vals = (id: (typeof ISBI_MEASURE_IDS)[number]) =>
      meanClasses.map((c) => {
        const r = c[id].result;
        return r.status === 'ok' ? r.value : Number.NaN;
      });
    const corr = (a: number[], b: number[]) => {
      const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
      const [ma, mb] = [mean(a), mean(b)];
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      a.forEach((x, i) => {
        sab += (x - ma) * (b[i] - mb);
        saa += (x - ma) ** 2;
        sbb += (b[i] - mb) ** 2;
      });
      return sab / Math.sqrt(saa * sbb);
    };
    // Class II raises ANB and lowers APDI; a large overjet goes with a large ANB; a long face
    // (low FHI) goes with a steep mandibular plane.
    const r1 = corr(vals('ANB'), vals('APDI'));
    const r2 = corr(vals('ANB'), vals('MW'));
    const r3 = corr(vals('FHI'), vals('FMA'));
    // Overbite: how far the upper incisal tip lies below the lower one, perpendicular to FH. ODI
    // was built to predict it, so a wrong palatal-plane sign or A-B/MP angle would weaken this.
    const overbite = meanT.map((t) => {
      const fh = { x: t.orbitale.x - t.porion.x, y: t.orbitale.y - t.porion.y };
      let down = { x: -fh.y, y: fh.x };
      if (down.x * (t.menton.x - t.porion.x) + down.y * (t.menton.y - t.porion.y) < 0) down = { x: fh.y, y: -fh.x };
      const len = Math.hypot(down.x, down.y);
      const d = { x: t.upper_incisal_incision.x - t.lower_incisal_incision.x, y: t.upper_incisal_incision.y - t.lower_incisal_incision.y };
      return (d.x * down.x + d.y * down.y) / len;
    });
    const r4 = corr(vals('ODI'), overbite);
    console.log(`corr ANB~APDI ${r1.toFixed(2)}  ANB~MW ${r2.toFixed(2)}  FHI~FMA ${r3.toFixed(2)}  ODI~overbite ${r4.toFixed(2)}`);
    assert.ok(r4 > 0.3, `ODI~overbite ${r4}`);
    assert.ok(r1 < -0.8, `ANB~APDI ${r1}`);
    assert.ok(r2 > 0.5, `ANB~MW ${r2}`);
    assert.ok(r3 < -0.7, `FHI~FMA ${r3}`);
  });

  it('prints the class distribution and senior-vs-junior agreement', () => {
    const dist = classDistribution(meanClasses);
    const agreement = classAgreement(
      seniorT.map((t) => isbiClasses(t, ISBI_MM_PER_PIXEL)),
      juniorT.map((t) => isbiClasses(t, ISBI_MM_PER_PIXEL)),
    );
    for (const id of ISBI_MEASURE_IDS) {
      const a = agreement[id];
      console.log(`${id.padEnd(5)} agreement ${((a.rate ?? 0) * 100).toFixed(1)}%  classes ${JSON.stringify(dist[id])}`);
      assert.equal(a.compared, 300, id);
      const total = Object.values(dist[id]).reduce((x, y) => x + (y ?? 0), 0);
      assert.equal(total, 300, id);
      assert.equal(dist[id].unavailable, undefined, id);
    }
    assert.ok(agreement.ANB.rate! >= 0.6 && agreement.ANB.rate! <= 1, `ANB agreement ${agreement.ANB.rate}`);
    // Every ANB class occurs in a clinical sample of 300.
    for (const label of ['class_I', 'class_II', 'class_III'] as const) assert.ok((dist.ANB[label] ?? 0) > 0, label);
  });
});

describe('tracingFromIsbiCoordinates', () => {
  it('maps the 38 columns onto landmark ids in CSV order', () => {
    const coords = Array.from({ length: 38 }, (_, i) => i);
    const t = tracingFromIsbiCoordinates(coords);
    assert.deepEqual(t.sella, { x: 0, y: 1 });
    assert.deepEqual(t.articulare, { x: 36, y: 37 });
    assert.throws(() => tracingFromIsbiCoordinates(coords.slice(1)), (e) => e instanceof AppError);
    assert.throws(() => tracingFromIsbiCoordinates([...coords.slice(1), Number.NaN]), (e) => e instanceof AppError);
  });
});
