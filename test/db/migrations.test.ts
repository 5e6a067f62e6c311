import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCaseStore, LATEST_VERSION, migrate, openDatabase, schemaVersion } from '../../src-main/db/index.js';
import { MIGRATIONS } from '../../src-main/db/migrations.js';
import { count, rawDb, sha, tempDbPath } from './helpers.js';

test('a new file is migrated to the latest version, one recorded migration each', (t) => {
  const file = tempDbPath(t);
  const store = createCaseStore({ path: file });
  assert.deepEqual(store.migration, { from: 0, to: LATEST_VERSION, applied: MIGRATIONS.map((m) => m.version) });
  store.close();
  const db = rawDb(t, file);
  assert.deepEqual(
    db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all(),
    MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
  );
});

test('re-opening a current file changes nothing', (t) => {
  const file = tempDbPath(t);
  createCaseStore({ path: file }).close();
  const before = rawDb(t, file).prepare('SELECT * FROM schema_migrations ORDER BY version').all();
  const store = createCaseStore({ path: file });
  assert.deepEqual(store.migration, { from: LATEST_VERSION, to: LATEST_VERSION, applied: [] });
  store.close();
  assert.deepEqual(rawDb(t, file).prepare('SELECT * FROM schema_migrations ORDER BY version').all(), before);
});

test('a file from before the safety net (version 3) keeps its cases and gains every newer table and column', (t) => {
  const FROM = 3;
  const file = tempDbPath(t);
  // the fixture: a file as the previous release left it, with a case in it
  const old = openDatabase(file);
  migrate(old, { target: FROM });
  assert.equal(schemaVersion(old), FROM);
  const at = '2024-01-01T00:00:00.000Z';
  old.exec(`
    INSERT INTO patients (id, external_id, name, created_at) VALUES (7, 'P-7', 'ROE^JANE', '${at}');
    INSERT INTO studies (id, patient_id, study_uid, study_date, created_at) VALUES (3, 7, '1.2.840.1', '2023-05-06', '${at}');
    INSERT INTO images (id, study_id, sha256, source_path, format, width, height, orientation, created_at)
      VALUES (11, 3, '${sha('old')}', '/old/a.png', 'png', 1000, 1200, 'facing-left', '${at}');
    INSERT INTO landmark_sets (id, image_id, model_name, model_version, created_at) VALUES (5, 11, 'm', '0.1', '${at}');
    INSERT INTO landmark_model_points VALUES (5, 'sella', 100, 200, 0.5);
    INSERT INTO landmark_points VALUES (5, 'sella', 100, 200, 0.5, 'model', '${at}');
  `);
  // the tables of the newest migration are not there yet
  assert.equal(count(old, `sqlite_master WHERE name = 'landmark_reviews'`), 0);
  old.close();

  const store = createCaseStore({ path: file });
  t.after(() => store.close());
  assert.deepEqual(store.migration, { from: FROM, to: LATEST_VERSION, applied: Array.from({ length: LATEST_VERSION - FROM }, (_, i) => FROM + 1 + i) });
  const c = store.getCase(11);
  assert.equal(c.patient.name, 'ROE^JANE');
  assert.equal(c.study.studyDate, '2023-05-06');
  assert.deepEqual(c.landmarks?.points.map((p) => [p.landmarkId, p.x, p.y]), [['sella', 100, 200]]);
  // the old data is live: editable, and the new tables work
  assert.equal(store.movePoint(5, 'sella', 110, 210).points[0].x, 110);
  // an edit by no named client (as before version 5) can be undone by any client
  assert.equal(store.undo(5, { clientId: 'window-a' }).points[0].x, 100);
  assert.equal(store.redo(5, { clientId: 'window-b' }).points[0].x, 110);
  const job = store.createJob({ root: '/old', files: ['a.png'] });
  store.markFile(job.id, 'a.png', { status: 'done', imageId: 11 });
  assert.equal(store.jobSummary(job.id).done, 1);
  store.setSetting('watch.folder', '/old/incoming');
  assert.equal(store.getSetting('watch.folder'), '/old/incoming');
  // the safety net's columns: an old film marked facing left keeps that as the user's word; old
  // model points carry no stated uncertainty and no flag; the set has no check and is not reviewed
  assert.deepEqual(c.image.orientationOverride, { rotation: 0, mirrored: true, inverted: false });
  assert.equal(c.image.traceAnyway, false);
  assert.deepEqual(c.landmarks?.modelPoints.map((p) => [p.uncertaintyPx, p.flagged]), [[null, false]]);
  assert.equal(c.landmarks?.set.check, null);
  assert.equal(c.landmarks?.set.reviewedAt, null);
  assert.equal(store.setReviewed(5, true).set.reviewedAt !== null, true);
});

test('a failing migration leaves the file at the version before it', (t) => {
  const file = tempDbPath(t);
  createCaseStore({ path: file }).close();
  const db = openDatabase(file);
  t.after(() => db.close());
  const broken = [
    ...MIGRATIONS,
    {
      version: LATEST_VERSION + 1,
      name: 'half done',
      up: (d: typeof db) => {
        d.exec('CREATE TABLE half (a INTEGER)');
        throw new Error('disk on fire');
      },
    },
  ];
  assert.throws(() => migrate(db, { migrations: broken }), /disk on fire/);
  assert.equal(schemaVersion(db), LATEST_VERSION);
  assert.equal(count(db, `sqlite_master WHERE name = 'half'`), 0);
});

test('a file from a newer MedSapiens is refused rather than written to', (t) => {
  const file = tempDbPath(t);
  createCaseStore({ path: file }).close();
  const db = rawDb(t, file, false);
  db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_VERSION + 1, 'future', new Date().toISOString());
  assert.throws(() => createCaseStore({ path: file }), { name: 'AppError', code: 'unsupported' });
});
