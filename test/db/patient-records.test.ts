// Patient records, archive and delete on a real SQLite file: a JPEG case gets a patient record; a
// record given another patient's name and ID files the case under that patient; archiving takes a
// case out of the list and back; deleting removes the case, its tracings and empty study and
// patient, and leaves other cases alone; every change leaves an audit line; the list is newest
// import first; a deleted case's id is never given to another.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Database from 'better-sqlite3';
import { imageInput, MODEL_POINTS, openStore, rawDb, tempDbPath } from './helpers.js';

const count = (db: Database.Database, sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;

const raster = (seed: string) => imageInput(seed, { sourcePath: `/scans/${seed}.jpg`, format: 'jpeg', spacing: undefined });

test('patient records: edit, file under an existing patient, invalid input refused; audited', (t) => {
  const file = tempDbPath(t);
  const store = openStore(t, file);
  const dicom = store.importImageRecord(imageInput('d1', { patient: { externalId: 'P-7', name: 'ROE^JANE', sex: 'F' }, study: { studyUid: '1.7.1', studyDate: '20230105' } }));
  const jpeg = store.importImageRecord(raster('j1'));
  assert.equal(jpeg.patient.name, null);

  // a JPEG case given a record of its own
  const p = store.editPatient(jpeg.image.id, { name: 'Doe^John', externalId: 'P-9', birthDate: '2011-04-02', sex: 'M' });
  assert.deepEqual([p.name, p.externalId, p.birthDate, p.sex], ['Doe^John', 'P-9', '2011-04-02', 'M']);
  assert.equal(store.getCase(jpeg.image.id).patient.id, jpeg.patient.id, 'the same record, edited');

  // given the name and ID of the DICOM's patient, it is filed under that patient: one timeline
  const second = store.importImageRecord(raster('j2'));
  const filed = store.editPatient(second.image.id, { name: 'ROE^JANE', externalId: 'P-7', birthDate: '2010-01-01', sex: null });
  assert.equal(filed.id, dicom.patient.id);
  assert.equal(filed.birthDate, '2010-01-01', 'a birth date given fills the record');
  assert.equal(filed.sex, 'F', 'what was not given stays');
  assert.equal(count(rawDb(t, file), 'SELECT count(*) n FROM patients WHERE id = ?', second.patient.id), 0, 'the emptied record is removed');
  assert.deepEqual(store.listCases({ patientId: dicom.patient.id }).map((c) => c.imageId).sort(), [dicom.image.id, second.image.id].sort());

  for (const bad of [{ birthDate: '2011-02-30x' }, { birthDate: '2999-01-01' }, { sex: 'X' }, { name: 'x'.repeat(300) }]) {
    assert.throws(() => store.editPatient(jpeg.image.id, { name: 'A', externalId: null, birthDate: null, sex: null, ...bad } as never), (e: { code?: string }) => e.code === 'bad_request', JSON.stringify(bad));
  }
  const log = store.auditLog();
  assert.deepEqual(log.map((l) => [l.action, l.imageId]), [['patient_edited', jpeg.image.id], ['patient_edited', second.image.id]]);
  assert.deepEqual(log[0]!.details.before, { name: null, externalId: null, birthDate: null, sex: null });
  assert.equal(log[1]!.details.filedUnder, dicom.patient.id);
});

test('archive and delete: out of the list and back; gone with its tracings; audited; the list newest import first', (t) => {
  const file = tempDbPath(t);
  const store = openStore(t, file);
  const a = store.importImageRecord(imageInput('a', { patient: { externalId: 'P-1', name: 'A' }, study: { studyUid: '1.1', studyDate: '20240101' } }));
  const b = store.importImageRecord(raster('b')); // no date: still first, being the newest import
  const c = store.importImageRecord(imageInput('c', { patient: { externalId: 'P-1', name: 'A' }, study: { studyUid: '1.1', studyDate: '20240101' } }));
  store.saveModelLandmarks(c.image.id, 'm', '1', MODEL_POINTS);
  assert.deepEqual(store.listCases().map((x) => x.imageId), [c.image.id, b.image.id, a.image.id]);

  store.setArchived(b.image.id, true);
  assert.deepEqual(store.listCases().map((x) => x.imageId), [c.image.id, a.image.id]);
  assert.deepEqual(store.listCases({ archived: true }).map((x) => x.imageId), [b.image.id]);
  store.setArchived(b.image.id, false);
  assert.equal(store.listCases().length, 3);

  // c shares its study and patient with a: those stay; its tracing goes
  assert.deepEqual(store.deleteCase(c.image.id), { sha256: c.image.sha256 });
  const db = rawDb(t, file);
  assert.equal(count(db, 'SELECT count(*) n FROM images WHERE id = ?', c.image.id), 0);
  assert.equal(count(db, 'SELECT count(*) n FROM landmark_sets WHERE image_id = ?', c.image.id), 0);
  assert.equal(count(db, 'SELECT count(*) n FROM landmark_points'), 0);
  assert.equal(count(db, 'SELECT count(*) n FROM studies WHERE id = ?', a.study.id), 1);
  // b was alone in its study and patient: all three go
  store.deleteCase(b.image.id);
  assert.equal(count(db, 'SELECT count(*) n FROM studies WHERE id = ?', b.study.id), 0);
  assert.equal(count(db, 'SELECT count(*) n FROM patients WHERE id = ?', b.patient.id), 0);
  assert.throws(() => store.getCase(b.image.id), (e: { code?: string }) => e.code === 'not_found');
  assert.deepEqual(store.listCases().map((x) => x.imageId), [a.image.id]);

  const log = store.auditLog();
  assert.deepEqual(log.map((l) => [l.action, l.imageId]), [
    ['case_archived', b.image.id],
    ['case_restored', b.image.id],
    ['case_deleted', c.image.id],
    ['case_deleted', b.image.id],
  ]);
  assert.equal(log[2]!.details.sha256, c.image.sha256);
  assert.ok(!JSON.stringify(log).includes('"A"'), 'no patient name in the audit');

  // the newest case deleted, the next import does not take its id (a viewer or the audit would
  // take the new film for the deleted one)
  const d = store.importImageRecord(raster('d'));
  store.deleteCase(d.image.id);
  const e = store.importImageRecord(raster('e'));
  assert.ok(e.image.id > d.image.id, `the next import took id ${e.image.id} after ${d.image.id} was deleted`);
});
