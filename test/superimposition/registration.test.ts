import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src-shared/errors.js';
import { changeTable } from '../../src-shared/superimposition/change-table.js';
import { applyAffine, facesLeft, REGISTRATIONS, superimpose, type RegistrationId } from '../../src-shared/superimposition/registration.js';
import { realisticTracing, type MutableTracing } from '../ceph/fixtures.js';

const ALL = Object.keys(REGISTRATIONS) as RegistrationId[];
const MANDIBLE = ['supramentale', 'pogonion', 'gnathion', 'menton', 'gonion', 'lower_incisal_incision', 'lower_lip', 'soft_tissue_pogonion', 'lower_incisor_apex', 'lower_molar'];

function map(t: MutableTracing, f: (p: { x: number; y: number }) => { x: number; y: number }, only?: string[]): MutableTracing {
  return Object.fromEntries(Object.entries(t).map(([id, p]) => [id, !only || only.includes(id) ? f(p) : { ...p }]));
}

/** the same head filmed turned by `deg`, shifted, and at `zoom` times the pixels per mm */
function refilmed(t: MutableTracing, deg: number, zoom: number, shift: { x: number; y: number }): MutableTracing {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  return map(t, (p) => ({ x: zoom * (c * p.x - s * p.y) + shift.x, y: zoom * (s * p.x + c * p.y) + shift.y }));
}

describe('superimposition geometry', () => {
  const t0 = realisticTracing();

  it('finds no change between a tracing and a turned, shifted, rescaled copy of it (spacing following the scale), for every registration', () => {
    const copy = refilmed(t0, 17, 1.3, { x: 250, y: -120 });
    for (const reg of ALL) {
      const t = changeTable([{ tracing: t0, mmPerPixel: 0.1, label: 'T0' }, { tracing: copy, mmPerPixel: 0.1 / 1.3, label: 'T1' }], reg, ['steiner', 'downs']);
      for (const l of t.landmarks) assert.ok(l.displacements[1]!.d < 1e-9, `${reg}: ${l.id} moved ${l.displacements[1]!.d} mm`);
      for (const m of t.measures) if (m.changes[1] !== null) assert.ok(Math.abs(m.changes[1]) < 1e-9, `${reg}: ${m.id} changed ${m.changes[1]}`);
      assert.ok(t.measures.some((m) => m.changes[1] !== null));
      if (REGISTRATIONS[reg].kind === 'best-fit') assert.ok(t.registration.residualMm[0]! < 1e-9);
    }
  });

  it('brings a film with the profile facing left, or mirrored and turned, to the same tracing (told from the anatomy)', () => {
    const mirrored = map(t0, (p) => ({ x: 1935 - p.x, y: p.y }));
    const turned = refilmed(mirrored, 90, 1, { x: 2400, y: 0 });
    assert.equal(facesLeft(t0), false);
    assert.equal(facesLeft(mirrored), true);
    assert.equal(facesLeft(turned), true);
    // and a copy drawn on a mirrored first film lands on the copy's own points
    const s = superimpose([{ tracing: mirrored, mmPerPixel: 0.1, label: 'T0' }, { tracing: turned, mmPerPixel: 0.1, label: 'T1' }], 'cranial-base');
    for (const [id, p] of Object.entries(mirrored)) assert.ok(Math.hypot(s.onFirstImage[1][id].x - p.x, s.onFirstImage[1][id].y - p.y) < 1e-6, id);
    for (const copy of [mirrored, turned]) {
      for (const reg of ALL) {
        const t = changeTable([{ tracing: t0, mmPerPixel: 0.1, label: 'T0' }, { tracing: copy, mmPerPixel: 0.1, label: 'T1' }], reg, ['steiner']);
        for (const l of t.landmarks) assert.ok(l.displacements[1]!.d < 1e-9, `${reg}: ${l.id} moved ${l.displacements[1]!.d} mm`);
      }
    }
  });

  it('maps each film’s pixels onto the first film where its tracing is drawn (what blends the images), mirrored films and other spacings included', () => {
    const grown = refilmed(map(t0, (p) => ({ x: p.x + 30, y: p.y + 45 }), MANDIBLE), -8, 0.8, { x: 90, y: 60 });
    const mirrored = map(refilmed(t0, 5, 1.1, { x: 0, y: 0 }), (p) => ({ x: 2100 - p.x, y: p.y }));
    for (const reg of ALL) {
      const films = [{ tracing: t0, mmPerPixel: 0.1, label: 'T0' }, { tracing: grown, mmPerPixel: 0.125, label: 'T1' }, { tracing: mirrored, mmPerPixel: 0.1 / 1.1, label: 'T2' }];
      const s = superimpose(films, reg);
      films.forEach((film, i) => {
        const m = s.imageToFirst[i];
        for (const [id, p] of Object.entries(film.tracing)) {
          const q = applyAffine(m, p);
          assert.ok(Math.hypot(q.x - s.onFirstImage[i][id].x, q.y - s.onFirstImage[i][id].y) < 1e-6, `${reg} ${film.label} ${id}`);
        }
        // a mirrored film's map turns the handedness over; the others keep it
        assert.equal(Math.sign(m.a * m.e - m.b * m.d), i === 2 ? -1 : 1, `${reg} ${film.label}`);
      });
      for (const [k, v] of Object.entries({ a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 })) assert.ok(Math.abs(s.imageToFirst[0][k as 'a'] - v) < 1e-9, `${reg} T0 ${k}`);
    }
  });

  it('reads results in the first tracing’s frame: S at the origin, N forward on the x axis, menton below', () => {
    const s = superimpose([{ tracing: t0, mmPerPixel: 0.1, label: 'T0' }, { tracing: t0, mmPerPixel: 0.1, label: 'T1' }], 'sn-at-s');
    const sn = Math.hypot(t0.nasion.x - t0.sella.x, t0.nasion.y - t0.sella.y) * 0.1;
    assert.ok(Math.hypot(s.tracings[0].sella.x, s.tracings[0].sella.y) < 1e-9);
    assert.ok(Math.abs(s.tracings[0].nasion.x - sn) < 1e-9 && Math.abs(s.tracings[0].nasion.y) < 1e-9);
    assert.ok(s.tracings[0].menton.y > 50 && s.tracings[0].pogonion.x > 40, JSON.stringify(s.tracings[0].menton));
    // drawn back on the first film, the first tracing is itself
    for (const [id, p] of Object.entries(t0)) assert.ok(Math.hypot(s.onFirstImage[0][id].x - p.x, s.onFirstImage[0][id].y - p.y) < 1e-9, id);
  });

  it('a mandible grown 2 mm forward and 3 mm down (in the S-N frame) shows that move on the cranial base and none on the mandible', () => {
    // the move, given in the S-N frame, drawn on the film
    const ang = Math.atan2(t0.nasion.y - t0.sella.y, t0.nasion.x - t0.sella.x);
    const mv = { x: (2 * Math.cos(ang) - 3 * Math.sin(ang)) * 10, y: (2 * Math.sin(ang) + 3 * Math.cos(ang)) * 10 };
    const grown = map(t0, (p) => ({ x: p.x + mv.x, y: p.y + mv.y }), MANDIBLE);
    const pts = [{ tracing: t0, mmPerPixel: 0.1, label: 'T0' }, { tracing: grown, mmPerPixel: 0.1, label: 'T1' }];
    const bySn = changeTable(pts, 'sn-at-s', ['steiner']);
    const d = (t: typeof bySn, id: string) => t.landmarks.find((l) => l.id === id)!.displacements[1]!;
    assert.ok(Math.abs(d(bySn, 'pogonion').dx - 2) < 1e-9 && Math.abs(d(bySn, 'pogonion').dy - 3) < 1e-9, JSON.stringify(d(bySn, 'pogonion')));
    assert.ok(d(bySn, 'sella').d < 1e-9 && d(bySn, 'nasion').d < 1e-9 && d(bySn, 'subspinale').d < 1e-9);
    // the cranial base best fit agrees where the cranial base did not change
    assert.ok(Math.abs(changeTable(pts, 'cranial-base', []).landmarks.find((l) => l.id === 'menton')!.displacements[1]!.d - Math.sqrt(13)) < 1e-9);
    const byMandible = changeTable(pts, 'mandible', []);
    for (const id of MANDIBLE) assert.ok(d(byMandible, id).d < 1e-9, id);
    assert.ok(Math.abs(d(byMandible, 'sella').d - Math.sqrt(13)) < 1e-9);
    // the mandible came forward: SNB up, ANB down, by the same amount
    const snb = bySn.measures.find((m) => m.id === 'snb')!.changes[1]!;
    const anb = bySn.measures.find((m) => m.id === 'anb')!.changes[1]!;
    assert.ok(snb > 0.5 && Math.abs(anb + snb) < 1e-9, `SNB ${snb}, ANB ${anb}`);
  });

  it('registers the maxilla at ANS along the palatal plane', () => {
    const moved = map(t0, (p) => ({ x: p.x + 40, y: p.y + 10 }), ['anterior_nasal_spine', 'posterior_nasal_spine', 'subspinale', 'upper_incisal_incision']);
    const s = superimpose([{ tracing: t0, mmPerPixel: 0.1, label: 'T0' }, { tracing: moved, mmPerPixel: 0.1, label: 'T1' }], 'maxilla');
    for (const id of ['anterior_nasal_spine', 'posterior_nasal_spine', 'subspinale', 'upper_incisal_incision']) {
      assert.ok(Math.hypot(s.tracings[1][id].x - s.tracings[0][id].x, s.tracings[1][id].y - s.tracings[0][id].y) < 1e-9, id);
    }
    assert.ok(Math.hypot(s.tracings[0].anterior_nasal_spine.x, s.tracings[0].anterior_nasal_spine.y) > 10, 'the frame starts at PNS');
    assert.ok(Math.abs(s.tracings[0].anterior_nasal_spine.y) < 1e-9 && s.tracings[0].anterior_nasal_spine.x > 0);
  });

  it('refuses an uncalibrated tracing, a missing reference point, and fewer than two tracings, saying which', () => {
    const missing = { ...t0 } as MutableTracing;
    delete missing.nasion;
    const cases: [() => unknown, RegExp][] = [
      [() => superimpose([{ tracing: t0, mmPerPixel: 0.1, label: 'T0' }, { tracing: t0, mmPerPixel: undefined, label: '2024-05-01' }], 'sn-at-s'), /2024-05-01 has no pixel spacing or ruler/],
      [() => superimpose([{ tracing: t0, mmPerPixel: 0.1, label: 'T0' }, { tracing: missing, mmPerPixel: 0.1, label: 'T1' }], 'sn-at-s'), /T1 lacks nasion/],
      [() => superimpose([{ tracing: t0, mmPerPixel: 0.1, label: 'T0' }], 'mandible'), /at least two tracings/],
    ];
    for (const [f, re] of cases) assert.throws(f, (e: unknown) => e instanceof AppError && e.code === 'bad_request' && re.test(e.message));
  });
});
