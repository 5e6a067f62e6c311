import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LandmarkState } from '../../src-main/db/index.js';
import { createCaseStore } from '../../src-main/db/index.js';
import { imageInput, MODEL_POINTS, openStore, tempDbPath } from './helpers.js';

/** landmark -> [x, y, source] of a state, for comparing whole states at once */
const pts = (s: LandmarkState) => Object.fromEntries(s.points.map((p) => [p.landmarkId, [p.x, p.y, p.source]]));
const MODEL = { sella: [800, 900, 'model'], nasion: [1400, 850, 'model'], menton: [1300, 1900, 'model'] };

function setup(t: Parameters<typeof openStore>[0], file?: string) {
  const store = openStore(t, file);
  const r = store.importWithLandmarks({ image: imageInput('ceph'), model: 'ceph-hrnet', version: '1.0.0', points: MODEL_POINTS });
  return { store, setId: r.landmarks.set.id, imageId: r.image.id };
}

test('move, undo, redo, branch and restore give the expected coordinates', (t) => {
  const { store, setId } = setup(t);
  let s = store.movePoint(setId, 'sella', 810, 905);
  assert.deepEqual(pts(s), { ...MODEL, sella: [810, 905, 'hand'] });
  assert.equal(s.points.find((p) => p.landmarkId === 'sella')?.confidence, null);
  const e1 = s.set.headEditId!;
  const e2 = store.movePoint(setId, 'sella', 820, 910).set.headEditId!;
  s = store.movePoint(setId, 'nasion', 1410, 860);
  const e3 = s.set.headEditId!;
  assert.deepEqual(pts(s), { ...MODEL, sella: [820, 910, 'hand'], nasion: [1410, 860, 'hand'] });

  s = store.undo(setId);
  assert.deepEqual(pts(s), { ...MODEL, sella: [820, 910, 'hand'] });
  assert.equal(s.points.find((p) => p.landmarkId === 'nasion')?.confidence, 0.88); // the model's, back
  s = store.undo(setId);
  assert.deepEqual(pts(s), { ...MODEL, sella: [810, 905, 'hand'] });
  assert.equal(s.set.headEditId, e1);
  s = store.redo(setId);
  assert.deepEqual(pts(s), { ...MODEL, sella: [820, 910, 'hand'] });
  assert.equal(s.canRedo, true);

  // a new edit after undo drops the redo branch (it stays in the history)
  s = store.movePoint(setId, 'menton', 1310, 1910);
  const e4 = s.set.headEditId!;
  assert.equal(s.canRedo, false);
  assert.deepEqual(pts(store.redo(setId)), pts(s));
  const h = store.history(setId);
  assert.deepEqual(
    h.entries.map((e) => [e.id, e.kind, e.landmarkId, e.applied]),
    [
      [e1, 'move', 'sella', true],
      [e2, 'move', 'sella', true],
      [e3, 'move', 'nasion', false],
      [e4, 'move', 'menton', true],
    ],
  );
  assert.deepEqual(h.entries[1].from, { x: 810, y: 905, source: 'hand' });
  assert.deepEqual(h.entries[1].to, { x: 820, y: 910, source: 'hand' });
  assert.deepEqual(h.entries[0].from, { x: 800, y: 900, source: 'model' });

  // restore the undone branch: the state right after e3
  s = store.restoreTo(setId, e3);
  assert.deepEqual(pts(s), { ...MODEL, sella: [820, 910, 'hand'], nasion: [1410, 860, 'hand'] });
  const restore = store.history(setId).entries.filter((e) => e.kind === 'restore');
  assert.deepEqual(
    restore.map((e) => e.landmarkId),
    ['nasion', 'menton'],
  );
  assert.equal(restore[0].actionId, restore[1].actionId);
  // the restore is one undo step
  s = store.undo(setId);
  assert.deepEqual(pts(s), { ...MODEL, sella: [820, 910, 'hand'], menton: [1310, 1910, 'hand'] });
  assert.equal(s.set.headEditId, e4);
  s = store.redo(setId);
  assert.deepEqual(pts(s), { ...MODEL, sella: [820, 910, 'hand'], nasion: [1410, 860, 'hand'] });

  assert.deepEqual(pts(store.restoreTo(setId, e1)), { ...MODEL, sella: [810, 905, 'hand'] });
  s = store.restoreTo(setId, null);
  assert.deepEqual(pts(s), MODEL);
  assert.deepEqual(
    s.points.map((p) => p.confidence),
    [0.91, 0.88, 0.75],
  );
  // restoring to where we are writes nothing
  const n = store.history(setId).entries.length;
  store.restoreTo(setId, null);
  assert.equal(store.history(setId).entries.length, n);
});

test('delete, place and reset', (t) => {
  const { store, setId } = setup(t);
  let s = store.deletePoint(setId, 'sella');
  assert.equal(pts(s).sella, undefined);
  assert.throws(() => store.movePoint(setId, 'sella', 1, 1), { code: 'not_found' });
  assert.throws(() => store.deletePoint(setId, 'sella'), { code: 'not_found' });
  s = store.placePoint(setId, 'sella', 805, 895);
  assert.deepEqual(pts(s).sella, [805, 895, 'hand']);
  assert.throws(() => store.placePoint(setId, 'sella', 1, 1), { code: 'conflict' });
  s = store.resetPoint(setId, 'sella');
  assert.deepEqual(pts(s).sella, [800, 900, 'model']);
  assert.equal(s.points[0].confidence, 0.91);
  // a landmark the model does not predict: placed by hand, cannot be reset
  s = store.placePoint(setId, 'upper_incisor_apex', 1500, 1500);
  assert.deepEqual(pts(s).upper_incisor_apex, [1500, 1500, 'hand']);
  assert.throws(() => store.resetPoint(setId, 'upper_incisor_apex'), { code: 'not_found' });
  // reset also brings a deleted point back
  store.deletePoint(setId, 'menton');
  assert.deepEqual(pts(store.resetPoint(setId, 'menton')).menton, [1300, 1900, 'model']);
  assert.deepEqual(
    store.history(setId).entries.map((e) => e.kind),
    ['delete', 'place', 'reset', 'place', 'delete', 'reset'],
  );
  // undo everything: back to the model output, nothing more to undo
  for (let i = 0; i < 6; i++) s = store.undo(setId);
  assert.deepEqual(pts(s), MODEL);
  assert.equal(s.canUndo, false);
  assert.equal(s.canRedo, true);
  assert.deepEqual(pts(store.undo(setId)), MODEL); // no-op, not an error
});

test('an edit that changes nothing is not an undo step and keeps redo', (t) => {
  const { store, setId } = setup(t);
  store.movePoint(setId, 'sella', 810, 905);
  store.undo(setId);
  const s = store.resetPoint(setId, 'sella'); // already at the model's position
  assert.equal(s.canRedo, true);
  assert.equal(store.history(setId).entries.length, 1);
  store.movePoint(setId, 'nasion', 1400, 850); // same place, but now 'hand': a real change
  assert.equal(store.history(setId).entries.length, 2);
});

test('edits are checked: image bounds, landmark ids, sets and edits that exist', (t) => {
  const { store, setId } = setup(t);
  const other = store.importWithLandmarks({ image: imageInput('other'), model: 'm', version: '1', points: MODEL_POINTS }).landmarks.set.id;
  const e = store.movePoint(other, 'sella', 1, 1).set.headEditId!;
  assert.throws(() => store.movePoint(setId, 'sella', 1936, 10), { code: 'bad_request' });
  assert.throws(() => store.movePoint(setId, 'sella', -0.5, 10), { code: 'bad_request' });
  assert.throws(() => store.placePoint(setId, 'upper_incisor_apex', 10, 2401), { code: 'bad_request' });
  assert.throws(() => store.movePoint(setId, 'Sella', 1, 1), { code: 'bad_request' });
  assert.throws(() => store.movePoint(setId, 'sella', Number.POSITIVE_INFINITY, 1), { code: 'bad_request' });
  assert.throws(() => store.movePoint(9999, 'sella', 1, 1), { code: 'not_found' });
  assert.throws(() => store.restoreTo(setId, e), { code: 'not_found' });
  assert.throws(() => store.undo(0), { code: 'bad_request' });
  assert.equal(store.history(setId).entries.length, 0);
});

test('undo and redo survive closing and reopening the file', (t) => {
  const file = tempDbPath(t);
  const { store, setId } = setup(t, file);
  store.movePoint(setId, 'sella', 810, 905);
  store.movePoint(setId, 'sella', 820, 910);
  store.movePoint(setId, 'nasion', 1410, 860);
  store.undo(setId);
  store.close();

  let again = createCaseStore({ path: file });
  let s = again.getLandmarks(setId);
  assert.deepEqual(pts(s), { ...MODEL, sella: [820, 910, 'hand'] });
  assert.equal(s.canRedo, true);
  s = again.undo(setId);
  assert.deepEqual(pts(s), { ...MODEL, sella: [810, 905, 'hand'] });
  again.close();

  again = createCaseStore({ path: file });
  t.after(() => again.close());
  assert.deepEqual(pts(again.redo(again.getCase(1).landmarks!.set.id)), { ...MODEL, sella: [820, 910, 'hand'] });
  assert.deepEqual(pts(again.redo(setId)), { ...MODEL, sella: [820, 910, 'hand'], nasion: [1410, 860, 'hand'] });
  assert.deepEqual(pts(again.undo(setId)), { ...MODEL, sella: [820, 910, 'hand'] });
});

// A plain linear undo stack as the reference: the store must behave exactly like it on any
// sequence of edits, undos and redos, and restoreTo(edit) must give back the state right after it.
test('random edit sequences match a reference undo stack, and every past state is restorable', (t) => {
  const { store, setId } = setup(t);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
  type P = [number, number, 'model' | 'hand'];
  const model = new Map<string, P>(Object.entries(MODEL) as [string, P][]);
  const cur = new Map<string, P>(model);
  const undo: { lm: string; from: P | undefined; to: P | undefined }[] = [];
  const redo: typeof undo = [];
  const snapshots = new Map<number, Record<string, P>>();
  const landmarks = ['sella', 'nasion', 'menton', 'upper_incisor_apex'];
  const same = (a?: P, b?: P) => (a === undefined || b === undefined ? a === b : a.join() === b.join());
  const expectCode = (fn: () => unknown, code: string) => assert.throws(fn, { code });
  const apply = (lm: string, to: P | undefined) => {
    const from = cur.get(lm);
    if (same(from, to)) return false;
    undo.push({ lm, from, to });
    redo.length = 0;
    if (to) cur.set(lm, to);
    else cur.delete(lm);
    return true;
  };

  for (let i = 0; i < 120; i++) {
    const op = pick(['move', 'move', 'place', 'delete', 'reset', 'undo', 'undo', 'redo']);
    const lm = pick(landmarks);
    const x = Math.floor(rnd() * 1935);
    const y = Math.floor(rnd() * 2400);
    let s: LandmarkState | undefined;
    let changed = false;
    if (op === 'move') {
      if (!cur.has(lm)) expectCode(() => store.movePoint(setId, lm, x, y), 'not_found');
      else ((changed = apply(lm, [x, y, 'hand'])), (s = store.movePoint(setId, lm, x, y)));
    } else if (op === 'place') {
      if (cur.has(lm)) expectCode(() => store.placePoint(setId, lm, x, y), 'conflict');
      else ((changed = apply(lm, [x, y, 'hand'])), (s = store.placePoint(setId, lm, x, y)));
    } else if (op === 'delete') {
      if (!cur.has(lm)) expectCode(() => store.deletePoint(setId, lm), 'not_found');
      else ((changed = apply(lm, undefined)), (s = store.deletePoint(setId, lm)));
    } else if (op === 'reset') {
      if (!model.has(lm)) expectCode(() => store.resetPoint(setId, lm), 'not_found');
      else ((changed = apply(lm, model.get(lm))), (s = store.resetPoint(setId, lm)));
    } else if (op === 'undo') {
      const a = undo.pop();
      if (a) (a.from ? cur.set(a.lm, a.from) : cur.delete(a.lm), redo.push(a));
      s = store.undo(setId);
    } else {
      const a = redo.pop();
      if (a) (a.to ? cur.set(a.lm, a.to) : cur.delete(a.lm), undo.push(a));
      s = store.redo(setId);
    }
    if (!s) continue;
    const expected = Object.fromEntries([...cur].sort());
    assert.deepEqual(Object.fromEntries(Object.entries(pts(s)).sort()), expected, `step ${i} (${op} ${lm})`);
    assert.equal(s.canUndo, undo.length > 0, `canUndo at step ${i}`);
    assert.equal(s.canRedo, redo.length > 0, `canRedo at step ${i}`);
    for (const p of s.points) assert.equal(p.confidence, p.source === 'model' ? MODEL_POINTS.find((m) => m.landmarkId === p.landmarkId)!.confidence : null);
    if (changed) snapshots.set(s.set.headEditId!, expected);
  }
  assert.ok(snapshots.size > 30, `only ${snapshots.size} edits in the run`);
  const history = store.history(setId);
  for (const [editId, expected] of [...snapshots].filter((_, i) => i % 4 === 0)) {
    const s = store.restoreTo(setId, editId);
    assert.deepEqual(Object.fromEntries(Object.entries(pts(s)).sort()), expected, `restoreTo(${editId})`);
  }
  assert.ok(history.entries.some((e) => !e.applied), 'the run should have left undone branches');
});
