import assert from 'node:assert/strict';
import { test } from 'node:test';
import { count, imageInput, MODEL_POINTS, openStore, rawDb, sha, tempDbPath } from './helpers.js';

const doe = { externalId: 'P-001', name: 'DOE^JOHN', birthDate: '19800102', sex: 'm' };

test('re-importing the same content returns the existing records and adds no rows', (t) => {
  const file = tempDbPath(t);
  const store = openStore(t, file);
  const first = store.importImageRecord(imageInput('a', { patient: doe, study: { studyUid: '1.2.3', studyDate: '20210315' } }));
  assert.equal(first.created, true);
  assert.equal(first.patient.birthDate, '1980-01-02');
  assert.equal(first.patient.sex, 'M');
  assert.equal(first.study.studyDate, '2021-03-15');
  assert.deepEqual(first.image.spacing, { rowMm: 0.1, colMm: 0.1, source: 'pixel-spacing' });
  // same bytes from another path, even with different metadata: the same case
  const again = store.importImageRecord(imageInput('a', { sourcePath: '/elsewhere/copy.dcm', sha256: sha('a').toUpperCase(), patient: { name: 'X' } }));
  assert.equal(again.created, false);
  assert.deepEqual(again.image, first.image);
  assert.deepEqual(again.patient, first.patient);
  assert.deepEqual(again.study, first.study);
  const db = rawDb(t, file);
  assert.deepEqual([count(db, 'patients'), count(db, 'studies'), count(db, 'images')], [1, 1, 1]);
});

test('patients are reused by id + name, studies by study UID', (t) => {
  const store = openStore(t);
  const a = store.importImageRecord(imageInput('a', { patient: doe, study: { studyUid: '1.1' } }));
  const b = store.importImageRecord(imageInput('b', { patient: doe, study: { studyUid: '1.1' } }));
  const c = store.importImageRecord(imageInput('c', { patient: doe, study: { studyUid: '1.2' } }));
  assert.equal(b.study.id, a.study.id);
  assert.equal(c.patient.id, a.patient.id);
  assert.notEqual(c.study.id, a.study.id);
  // the same id with another name is another patient (typo or reused id: not merged silently)
  const d = store.importImageRecord(imageInput('d', { patient: { externalId: 'P-001', name: 'DOE^JANE' } }));
  assert.notEqual(d.patient.id, a.patient.id);
  // images with no patient data are not lumped into one anonymous patient
  const e = store.importImageRecord(imageInput('e'));
  const f = store.importImageRecord(imageInput('f', { patient: { name: '  ', externalId: '' } }));
  assert.notEqual(e.patient.id, f.patient.id);
  assert.equal(f.patient.name, null);
});

test('a study UID seen under another patient is a conflict and writes nothing', (t) => {
  const file = tempDbPath(t);
  const store = openStore(t, file);
  store.importImageRecord(imageInput('a', { patient: doe, study: { studyUid: '9.9' } }));
  assert.throws(() => store.importImageRecord(imageInput('b', { patient: { externalId: 'P-002', name: 'ROE' }, study: { studyUid: '9.9' } })), {
    code: 'conflict',
  });
  const db = rawDb(t, file);
  assert.deepEqual([count(db, 'patients'), count(db, 'images')], [1, 1]);
});

test('bad input is bad_request naming the field', (t) => {
  const store = openStore(t);
  assert.throws(() => store.importImageRecord(imageInput('a', { sha256: 'abc' })), (e: any) => e.code === 'bad_request' && e.detail.issues[0].path === 'sha256');
  assert.throws(() => store.importImageRecord(imageInput('a', { width: 0 })), { code: 'bad_request' });
  assert.throws(() => store.importImageRecord(imageInput('a', { study: { studyDate: '20210230' } })), { code: 'bad_request' });
  assert.throws(() => store.importImageRecord(imageInput('a', { spacing: { rowMm: -1, colMm: 1, source: 'user' } })), { code: 'bad_request' });
  assert.throws(() => store.importImageRecord(imageInput('a', { orientation: 'upside-down' })), { code: 'bad_request' });
  assert.throws(() => store.getCase(999), { code: 'not_found' });
});

test('search finds cases by patient name, patient id and study date', (t) => {
  const store = openStore(t);
  const add = (seed: string, patient: object, studyDate: string | null) => store.importImageRecord(imageInput(seed, { patient, study: { studyDate } })).image.id;
  const john = add('j', { externalId: 'P-001', name: 'DOE^JOHN' }, '2021-03-15');
  const jane = add('k', { externalId: 'P-002', name: 'DOE^JANE' }, '2022-11-02');
  const mul = add('m', { externalId: 'X-77', name: 'Müller^Jürgen' }, '2021-07-01');
  const anon = add('n', {}, null);
  // in study-date order (newest first, undated last) to read the matches; the app's list sorts by import
  const ids = (search?: string) => store.listCases({ search, sort: 'study' }).map((c) => c.imageId);

  // newest study first, undated last
  assert.deepEqual(ids(), [jane, mul, john, anon]);
  assert.deepEqual(ids(''), [jane, mul, john, anon]);
  assert.deepEqual(ids('doe'), [jane, john]);
  assert.deepEqual(ids('john doe'), [john]); // token order does not matter; DICOM '^' is a space
  assert.deepEqual(ids('MULLER'), [mul]); // case and accents folded
  assert.deepEqual(ids('jürgen'), [mul]);
  assert.deepEqual(ids('p-00'), [jane, john]);
  assert.deepEqual(ids('x-77'), [mul]);
  assert.deepEqual(ids('2021'), [mul, john]);
  assert.deepEqual(ids('2021-03'), [john]);
  assert.deepEqual(ids('20210315'), [john]);
  assert.deepEqual(ids('15.03.2021'), [john]);
  assert.deepEqual(ids('doe 2022'), [jane]);
  assert.deepEqual(ids('%'), []); // LIKE wildcards are literal
  assert.deepEqual(ids('_'), []);
  assert.deepEqual(ids('nobody'), []);
  assert.deepEqual(
    store.listCases({ limit: 2, offset: 1, sort: 'study' }).map((c) => c.imageId),
    [mul, john],
  );
  const row = store.listCases({ search: 'jane' })[0];
  assert.equal(row.patientName, 'DOE^JANE');
  assert.equal(row.currentSetId, null);
});

test('getCase returns the newest landmark set as current', (t) => {
  const store = openStore(t);
  const { image } = store.importImageRecord(imageInput('a'));
  assert.equal(store.getCase(image.id).landmarks, null);
  const s1 = store.saveModelLandmarks(image.id, 'ceph-hrnet', '1.0.0', MODEL_POINTS);
  const s2 = store.saveModelLandmarks(image.id, 'ceph-hrnet', '1.1.0', [{ landmarkId: 'sella', x: 1, y: 2 }]);
  const c = store.getCase(image.id);
  assert.deepEqual(
    c.sets.map((s) => s.id),
    [s2.set.id, s1.set.id],
  );
  assert.equal(c.landmarks?.set.modelVersion, '1.1.0');
  assert.deepEqual(c.landmarks?.points.map((p) => [p.landmarkId, p.x, p.y, p.confidence, p.source]), [['sella', 1, 2, null, 'model']]);
  assert.equal(store.listCases()[0].currentSetId, s2.set.id);
  assert.throws(() => store.saveModelLandmarks(999, 'm', '1', MODEL_POINTS), { code: 'not_found' });
  assert.throws(() => store.saveModelLandmarks(image.id, 'm', '1', [{ landmarkId: 'no_such_point', x: 1, y: 1 }]), { code: 'bad_request' });
  assert.throws(() => store.saveModelLandmarks(image.id, 'm', '1', [MODEL_POINTS[0], MODEL_POINTS[0]]), { code: 'bad_request' });
  assert.throws(() => store.saveModelLandmarks(image.id, 'm', '1', [{ landmarkId: 'sella', x: Number.NaN, y: 1 }]), { code: 'bad_request' });
});

test('ruler calibration is stored with the points and length the user gave', (t) => {
  const store = openStore(t);
  const { image } = store.importImageRecord(imageInput('a', { spacing: null }));
  const img = store.setRuler(image.id, { x1: 100, y1: 100, x2: 100, y2: 400, lengthMm: 30 });
  assert.deepEqual(img.ruler, { mmPerPx: 0.1, x1: 100, y1: 100, x2: 100, y2: 400, lengthMm: 30 });
  assert.equal(img.spacing, null);
  assert.deepEqual(store.getCase(image.id).image.ruler, img.ruler);
  assert.throws(() => store.setRuler(image.id, { x1: 1, y1: 1, x2: 1, y2: 1, lengthMm: 10 }), { code: 'bad_request' });
  assert.throws(() => store.setRuler(image.id, { x1: 1, y1: 1, x2: 5000, y2: 1, lengthMm: 10 }), { code: 'bad_request' });
  assert.throws(() => store.setRuler(image.id, { x1: 1, y1: 1, x2: 2, y2: 1, lengthMm: 0 }), { code: 'bad_request' });
  assert.equal(store.setRuler(image.id, null).ruler, null);
  assert.equal(store.setOrientation(image.id, 'facing-left').orientation, 'facing-left');
});

test('importWithLandmarks is all or nothing', (t) => {
  const file = tempDbPath(t);
  const store = openStore(t, file);
  const r = store.importWithLandmarks({ image: imageInput('a', { patient: doe }), model: 'ceph-hrnet', version: '1.0.0', points: MODEL_POINTS });
  assert.equal(r.created, true);
  assert.equal(r.landmarksCreated, true);
  assert.equal(r.landmarks.points.length, 3);
  // a re-run of the batch: same image, its set, nothing added
  const again = store.importWithLandmarks({ image: imageInput('a'), model: 'ceph-hrnet', version: '2.0.0', points: MODEL_POINTS });
  assert.equal(again.created, false);
  assert.equal(again.landmarksCreated, false);
  assert.equal(again.landmarks.set.id, r.landmarks.set.id);

  // a failure while writing the landmarks (forced with a trigger) must take the image with it
  const db = rawDb(t, file, false);
  db.exec(`CREATE TRIGGER fail_menton BEFORE INSERT ON landmark_model_points WHEN NEW.landmark_id = 'menton'
           BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
  const before = ['patients', 'studies', 'images', 'landmark_sets', 'landmark_points'].map((tb) => count(db, tb));
  assert.throws(() => store.importWithLandmarks({ image: imageInput('b', { patient: { name: 'NEW^PATIENT' }, study: { studyUid: '5.5' } }), model: 'm', version: '1', points: MODEL_POINTS }), /simulated failure/);
  const after = ['patients', 'studies', 'images', 'landmark_sets', 'landmark_points'].map((tb) => count(db, tb));
  assert.deepEqual(after, before);
  // invalid landmarks are refused before anything is written
  assert.throws(() => store.importWithLandmarks({ image: imageInput('c'), model: 'm', version: '1', points: [] }), { code: 'bad_request' });
  assert.equal(count(db, 'images'), before[2]);
});
