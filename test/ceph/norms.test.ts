import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src-shared/errors.js';
import { BUILTIN_NORMS, parseNormLibrary } from '../../src-shared/ceph/norms/norm-library.js';

const minimal = () => ({
  defaultSet: 'a',
  sources: { s: 'Some citation, 2020.' },
  sets: [{ id: 'a', name: 'A', description: '', norms: { sna: { mean: 82, sd: 2, source: 's' } } }],
});

const isBadRequest = (e: unknown) => e instanceof AppError && e.code === 'bad_request';

describe('norm library', () => {
  it('loads the built-in sets with the cephalometrics.md values', () => {
    assert.deepEqual([...BUILTIN_NORMS.setIds], ['textbook', 'textbook-male', 'isbi2015']);
    assert.equal(BUILTIN_NORMS.defaultSet, 'textbook');
    const tb = BUILTIN_NORMS.get('textbook')!;
    const mean = (m: string, a = 'steiner') => tb.normFor(a, m)?.mean;
    assert.deepEqual(
      [mean('sna'), mean('snb'), mean('anb'), mean('sn_gogn'), mean('occlusal_sn'), mean('u1_na_deg'), mean('u1_na_mm')],
      [82, 80, 2, 32, 14, 22, 4],
    );
    assert.deepEqual([mean('l1_nb_deg'), mean('l1_nb_mm'), mean('interincisal')], [25, 4, 130]);
    assert.deepEqual([mean('facial_angle', 'downs'), mean('convexity_angle', 'downs'), mean('occlusal_fh', 'downs')], [87.8, 0, 9.3]);
  });

  it('inherits through extends and lets a child override', () => {
    const male = BUILTIN_NORMS.get('textbook-male')!;
    assert.equal(male.normFor('wits', 'wits')?.mean, -1);
    assert.equal(male.normFor('steiner', 'sna')?.mean, 82);
    assert.equal(male.normFor('downs', 'interincisal')?.mean, 135.4, 'analysis overrides are inherited');
    const isbi = BUILTIN_NORMS.get('isbi2015')!;
    const anb = isbi.normFor('isbi2015', 'anb')!;
    assert.ok(Math.abs(anb.mean - anb.sd - 3.2) < 1e-9 && Math.abs(anb.mean + anb.sd - 5.7) < 1e-9);
  });

  it('replaces source keys with their citation', () => {
    const lib = parseNormLibrary(minimal());
    assert.deepEqual(lib.get('a')!.normFor('x', 'sna'), { mean: 82, sd: 2, source: 'Some citation, 2020.' });
    assert.equal(lib.get('a')!.normFor('x', 'snb'), undefined);
    assert.equal(lib.get('a')!.normFor('x', 'constructor'), undefined);
  });

  it('rejects bad data', () => {
    const bad: unknown[] = [];
    const m1 = minimal();
    m1.sets[0].norms.sna.source = 'missing';
    bad.push(m1);
    const m2 = minimal();
    m2.sets[0].norms.sna.sd = 0;
    bad.push(m2);
    const m3 = minimal();
    m3.defaultSet = 'zzz';
    bad.push(m3);
    bad.push({ ...minimal(), sets: [{ ...minimal().sets[0], extends: 'a' }] }); // extends itself
    bad.push({ ...minimal(), sets: [minimal().sets[0], minimal().sets[0]] }); // duplicate id
    bad.push({ ...minimal(), sets: [{ ...minimal().sets[0], norms: { sna: { mean: 'x', sd: 1, source: 's' } } }] });
    bad.push({ ...minimal(), sets: [{ ...minimal().sets[0], extends: 'ghost' }] });
    for (const [i, data] of bad.entries()) assert.throws(() => parseNormLibrary(data), isBadRequest, `case ${i}`);
  });
});
