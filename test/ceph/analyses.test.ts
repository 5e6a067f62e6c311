import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src-shared/errors.js';
import { ALL_LANDMARKS, ISBI_LANDMARKS } from '../../src-shared/landmarks.js';
import { ANALYSES } from '../../src-shared/ceph/analyses.js';
import { evaluateAnalysis } from '../../src-shared/ceph/evaluate-analysis.js';
import { evaluateMeasure } from '../../src-shared/ceph/evaluate-measure.js';
import { MEASURES } from '../../src-shared/ceph/measures/index.js';
import { BUILTIN_NORMS } from '../../src-shared/ceph/norms/norm-library.js';
import type { Tracing } from '../../src-shared/ceph/types.js';
import { realisticTracing } from './fixtures.js';

const REQUIRED: Record<string, string[]> = {
  steiner: ['sna', 'snb', 'anb', 'sn_gogn', 'u1_na_deg', 'u1_na_mm', 'l1_nb_deg', 'l1_nb_mm', 'interincisal', 'occlusal_sn'],
  downs: ['facial_angle', 'convexity_angle', 'ab_plane', 'fma', 'y_axis', 'occlusal_fh', 'interincisal', 'impa'],
  mcnamara: ['nperp_a', 'nperp_pog', 'co_a', 'co_gn', 'maxmand_diff', 'lafh'],
  tweed: ['fma', 'impa', 'fmia'],
  wits: ['wits'],
  ricketts: ['facial_axis', 'facial_depth', 'lower_lip_e', 'convexity_mm'],
  bjork_jarabak: ['saddle_angle', 'articular_angle', 'gonial_angle', 'bjork_sum', 'jarabak_ratio'],
  isbi2015: ['anb', 'snb', 'sna', 'odi', 'apdi', 'fhi', 'sn_gogn', 'mw'],
};

describe('analysis registry', () => {
  it('holds the required analyses with their measures', () => {
    for (const [id, measures] of Object.entries(REQUIRED)) {
      assert.ok(ANALYSES[id], `analysis ${id}`);
      const ids = ANALYSES[id].measures.map((m) => m.id);
      for (const m of measures) assert.ok(ids.includes(m), `${id} lacks ${m}`);
    }
  });

  it('uses only landmark ids defined in landmarks.ts', () => {
    const known = new Set(ALL_LANDMARKS.map((l) => l.id));
    for (const m of Object.values(MEASURES)) for (const id of m.needs) assert.ok(known.has(id), `${m.id} needs unknown ${id}`);
  });

  it('each measure computes from exactly the landmarks it declares', () => {
    const full = realisticTracing();
    for (const m of Object.values(MEASURES)) {
      const only = Object.fromEntries(m.needs.map((id) => [id, full[id]]));
      assert.equal(evaluateMeasure(m, only, { mmPerPixel: 0.1 }).status, 'ok', m.id);
    }
  });

  it('has a norm with a citation for every measure of every analysis, in every built-in set', () => {
    for (const setId of BUILTIN_NORMS.setIds) {
      const set = BUILTIN_NORMS.get(setId)!;
      for (const a of Object.values(ANALYSES)) {
        for (const m of a.measures) {
          const n = set.normFor(a.id, m.id);
          assert.ok(n, `${setId}: no norm for ${a.id}/${m.id}`);
          assert.ok(n.sd > 0 && n.source.length > 20, `${setId}: ${m.id}`);
        }
      }
    }
  });
});

describe('evaluateAnalysis', () => {
  it('lists missing manual landmarks and still computes what it can', () => {
    const isbiOnly: Tracing = Object.fromEntries(
      Object.entries(realisticTracing()).filter(([id]) => ISBI_LANDMARKS.some((l) => l.id === id)),
    );
    const r = evaluateAnalysis('steiner', isbiOnly, { mmPerPixel: 0.1 });
    assert.deepEqual([...r.missing].sort(), ['lower_incisor_apex', 'lower_molar', 'upper_incisor_apex', 'upper_molar']);
    const byId = Object.fromEntries(r.measures.map((m) => [m.id, m.result]));
    assert.equal(byId.sna.status, 'ok');
    assert.equal(byId.u1_na_mm.status, 'ok');
    assert.deepEqual(byId.u1_na_deg, { status: 'missing', missing: ['upper_incisor_apex'] });
    assert.deepEqual(byId.occlusal_sn, { status: 'missing', missing: ['upper_molar', 'lower_molar'] });
    assert.equal(r.measures.length, ANALYSES.steiner.measures.length);
  });

  it('does not throw on an empty tracing: every landmark is missing', () => {
    for (const id of Object.keys(ANALYSES)) {
      const r = evaluateAnalysis(id, {});
      assert.deepEqual(r.missing, ANALYSES[id].needs);
      for (const m of r.measures) assert.equal(m.result.status, 'missing');
    }
  });

  it("marks linear measures 'uncalibrated' without mm per pixel", () => {
    const r = evaluateAnalysis('mcnamara', realisticTracing());
    for (const m of r.measures) assert.deepEqual(m.result, { status: 'uncalibrated' }, m.id);
  });

  it('attaches the norm, deviation in SDs and a flag', () => {
    const r = evaluateAnalysis('steiner', realisticTracing(), { mmPerPixel: 0.1 });
    const sna = r.measures.find((m) => m.id === 'sna')!.result;
    assert.ok(sna.status === 'ok' && sna.norm && sna.deviation !== undefined);
    assert.equal(sna.norm.mean, 82);
    assert.ok(Math.abs(sna.deviation - (sna.value - 82) / sna.norm.sd) < 1e-12);
    assert.equal(sna.flag, sna.deviation > 1 ? 'high' : sna.deviation < -1 ? 'low' : 'normal');
    assert.match(sna.norm.source, /Steiner/);
  });

  it('reads a shared measure against each analysis author', () => {
    const t = realisticTracing();
    const norm = (analysis: string, measure: string) => {
      const res = evaluateAnalysis(analysis, t).measures.find((m) => m.id === measure)!.result;
      return res.status === 'ok' ? res.norm?.mean : undefined;
    };
    assert.equal(norm('steiner', 'interincisal'), 130);
    assert.equal(norm('downs', 'interincisal'), 135.4);
    assert.equal(norm('downs', 'fma'), 21.9);
    assert.equal(norm('tweed', 'fma'), 25);
  });

  it('selects norm sets by id and uses the ISBI set for the ISBI analysis by default', () => {
    const t = realisticTracing();
    assert.equal(evaluateAnalysis('isbi2015', t).normSet, 'isbi2015');
    assert.equal(evaluateAnalysis('steiner', t).normSet, 'textbook');
    const male = evaluateAnalysis('wits', t, { mmPerPixel: 0.1, normSet: 'textbook-male' });
    const w = male.measures[0].result;
    assert.ok(w.status === 'ok' && w.norm?.mean === -1);
  });

  it('throws AppError bad_request for an unknown analysis or norm set', () => {
    assert.throws(() => evaluateAnalysis('nope', {}), (e) => e instanceof AppError && e.code === 'bad_request');
    assert.throws(() => evaluateAnalysis('toString', {}), (e) => e instanceof AppError && e.code === 'bad_request');
    assert.throws(
      () => evaluateAnalysis('steiner', {}, { normSet: 'nope' }),
      (e) => e instanceof AppError && e.code === 'bad_request',
    );
  });
});
