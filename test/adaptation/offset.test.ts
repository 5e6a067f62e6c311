// The instant adaptation: a systematic per-landmark shift, learnt in the head's frame, is undone
// on films of any size, tilt and position (geometry, no model); and through the real CLI on another
// centre's images, adapting on some makes the others better, measured on images it did not see.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { applyOffsets, fitOffsets } from '../../src-main/adaptation/offset.js';
import { readAnnotations } from '../../src-main/services/isbi-dataset.js';
import { cli, ISBI, SHARED } from '../helpers/cli.js';

type P = { x: number; y: number };
const similarity = (pts: P[], angle: number, scale: number, tx: number, ty: number) =>
  pts.map((p) => ({ x: scale * (Math.cos(angle) * p.x - Math.sin(angle) * p.y) + tx, y: scale * (Math.sin(angle) * p.x + Math.cos(angle) * p.y) + ty }));

test("a clinic's systematic shift, learnt on tilted and scaled films, is undone on another film", () => {
  const truth = readAnnotations(ISBI, 'mean');
  // the clinic places porion 30 px higher and A point 20 px further forward than the model, on upright 0.1 mm films
  const shift = (pts: P[]) => pts.map((p, k) => (k === 3 ? { x: p.x, y: p.y - 30 } : k === 4 ? { x: p.x + 20, y: p.y } : p));
  const cases = ['151', '152', '153', '154', '155'].map((id, i) => {
    const model = truth.get(id)!;
    // each film of its own size, tilt and position: the clinician's points move with it
    const g = (pts: P[]) => similarity(pts, (i - 2) * 0.08, 0.6 + 0.2 * i, 50 * i, -30 * i);
    return { model: g(model), truth: g(shift(model)) };
  });
  const m = fitOffsets(cases);
  const fresh = truth.get('160')!;
  const tilt = (pts: P[]) => similarity(pts, 0.3, 1.4, -200, 100);
  const got = applyOffsets(m, tilt(fresh));
  const want = tilt(shift(fresh));
  const before = tilt(fresh);
  for (let k = 0; k < 19; k++) {
    const err = Math.hypot(got[k].x - want[k].x, got[k].y - want[k].y);
    const shifted = Math.hypot(before[k].x - want[k].x, before[k].y - want[k].y);
    // the head frame is fitted to each film's own tracing: the shift comes back in that film's size
    // and tilt, up to how much the skulls' own sizes and shapes differ (a fraction of it)
    if (shifted === 0) assert.ok(err < 1e-6, `landmark ${k + 1} was not shifted but moved ${err.toFixed(2)} px`);
    else assert.ok(err < 0.25 * shifted, `landmark ${k + 1}: ${err.toFixed(2)} px from where the clinic puts it (shift ${shifted.toFixed(1)} px)`);
  }
});

test('adapt on 10 hamedan-dev images, then eval --model on the other 30: better, and the 10 are left out', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-adapt-'));
  const src = path.join(SHARED, 'hamedan-dev');
  const all = fs.readdirSync(path.join(src, 'images')).sort();
  const learn = path.join(tmp, 'learn');
  fs.mkdirSync(learn);
  for (const f of all.filter((_, i) => i % 4 === 0)) fs.symlinkSync(path.join(src, 'images', f), path.join(learn, f));
  const tracings = ['a.csv', 'b.csv'].map((f) => path.join(src, f)).join(',');
  const out = path.join(tmp, 'clinic');
  const r = cli(['adapt', '--images', learn, '--tracings', tracings, '--mm-per-px', '0.123', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /adapted on 10 cases/);
  const a = JSON.parse(fs.readFileSync(path.join(out, 'adaptation.json'), 'utf8'));
  assert.equal(a.cases.length, 10);
  assert.ok(a.measured.adapted.mre_mm < a.measured.parent.mre_mm, 'leave-one-out on the 10 improves');

  const base = path.join(tmp, 'base.json');
  const adapted = path.join(tmp, 'adapted.json');
  const args = ['eval', '--images', path.join(src, 'images'), '--tracings', tracings, '--mm-per-px', '0.123'];
  assert.equal(cli([...args, '--json', base]).status, 0);
  const e = cli([...args, '--model', out, '--json', adapted]);
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stderr, /leaving out 10 image\(s\) the adaptation learnt from/);
  const b = JSON.parse(fs.readFileSync(base, 'utf8'));
  const d = JSON.parse(fs.readFileSync(adapted, 'utf8'));
  assert.equal(d.overall.n_images, 30);
  const held = new Set(d.per_image.map((x: { id: string }) => x.id));
  const before = b.per_image.filter((x: { id: string }) => held.has(x.id)).reduce((s: number, x: { mre_mm: number }) => s + x.mre_mm, 0) / 30;
  console.log(`hamedan-dev, 30 held-out images: ${before.toFixed(3)} mm -> ${d.overall.mre_mm.toFixed(3)} mm adapted; coverage ${d.safety.coverage90.toFixed(3)}`);
  assert.ok(d.overall.mre_mm < 0.85 * before, `adapted ${d.overall.mre_mm} mm vs ${before} mm`);
  assert.ok(d.safety.coverage90 > b.safety.coverage90, 'the scaled radii hold more of the truth');
  // a batch with the clinic model records, with each tracing, what made it
  const folder = path.join(tmp, 'new');
  fs.mkdirSync(folder);
  for (const f of all.filter((_, i) => i % 4 === 1).slice(0, 2)) fs.copyFileSync(path.join(src, 'images', f), path.join(folder, f));
  const db = path.join(tmp, 'cases.sqlite');
  const bj = path.join(tmp, 'batch.json');
  const br = cli(['batch', folder, '--db', db, '--model', out, '--out', bj]);
  assert.equal(br.status, 0, br.stderr);
  const sets = new Database(db, { readonly: true }).prepare('SELECT model_name, model_version FROM landmark_sets').all() as { model_name: string; model_version: string }[];
  assert.equal(sets.length, 2);
  for (const s of sets) assert.match(s.model_version, new RegExp(`^${a.parent.version.replace(/\./g, '\\.')} \\+ clinic offsets .* \\(10 cases\\)$`));
  // an adaptation of another model is refused
  a.parent.version = '0.0.1';
  fs.writeFileSync(path.join(out, 'adaptation.json'), JSON.stringify(a));
  const bad = cli(['detect', path.join(src, 'images', all[1]), '--model', out]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /model_invalid: .* adapt again/);
  fs.rmSync(tmp, { recursive: true, force: true });
});
