// What the safety net keeps in the case database: the check and each point's uncertainty and flag
// with the model's set, flagged points accepted or moved, a tracing marked reviewed, the user's
// orientation and "trace anyway" per image, and the review state the case list shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageCheckData } from '../../src-shared/image-check.js';
import { caseDetailView, caseSummaryView } from '../../src-main/services/case-views.js';
import { imageInput, openStore } from './helpers.js';

const CHECK: ImageCheckData = {
  isCephalogram: true,
  orientation: { rotation: 0, mirrored: true, inverted: false, source: 'auto', probability: 0.99, description: 'mirrored: the profile faces left' },
  shapeD2: 31.5,
  meanConfidence: 0.35,
  warnings: [{ code: 'reoriented', message: 'straightened for tracing: mirrored: the profile faces left' }],
};

const POINTS = [
  { landmarkId: 'sella', x: 800, y: 900, confidence: 0.4, uncertaintyPx: 9.5, flagged: false },
  { landmarkId: 'gonion', x: 700, y: 1700, confidence: 0.2, uncertaintyPx: 41.2, flagged: true },
  { landmarkId: 'porion', x: 500, y: 1000, confidence: 0.25, uncertaintyPx: 38, flagged: true },
];

test('a traced case goes from points to review, through accepting and moving them, to reviewed', (t) => {
  const store = openStore(t);
  const r = store.importWithLandmarks({ image: imageInput('a'), model: 'm', version: '1', points: POINTS, check: CHECK });
  const setId = r.landmarks.set.id;
  assert.deepEqual(r.landmarks.set.check, CHECK);
  assert.deepEqual(r.landmarks.modelPoints.map((p) => [p.landmarkId, p.uncertaintyPx, p.flagged]), [
    ['sella', 9.5, false],
    ['porion', 38, true],
    ['gonion', 41.2, true],
  ]);
  const summary = () => caseSummaryView(store.listCases()[0]);
  assert.deepEqual([summary().reviewState, summary().toReview], ['to_review', 2]);

  const view = caseDetailView(store.getCase(r.image.id));
  const gonion = view.landmarks!.points.find((p) => p.landmarkId === 'gonion')!;
  assert.deepEqual([gonion.uncertaintyPx, gonion.flagged, gonion.accepted], [41.2, true, false]);

  store.acceptPoint(setId, 'gonion');
  assert.deepEqual([summary().reviewState, summary().toReview], ['to_review', 1]);
  // a flagged point moved by hand is the clinician's: nothing left to review, and no radius shown
  store.movePoint(setId, 'porion', 510, 1004);
  assert.deepEqual([summary().reviewState, summary().toReview], ['not_reviewed', 0]);
  const moved = caseDetailView(store.getCase(r.image.id)).landmarks!.points.find((p) => p.landmarkId === 'porion')!;
  assert.deepEqual([moved.source, moved.uncertaintyPx, moved.flagged], ['hand', null, false]);
  // reset brings the model's point, and its flag, back
  store.resetPoint(setId, 'porion');
  assert.equal(summary().toReview, 1);

  store.setReviewed(setId, true);
  assert.equal(summary().reviewState, 'reviewed');
  store.setReviewed(setId, false);
  assert.equal(summary().reviewState, 'to_review');
  assert.throws(() => store.acceptPoint(setId, 'upper_molar'), /not on set/);
});

test('a refused image stays refused until the user traces it anyway; the orientation is the user\'s to set', (t) => {
  const store = openStore(t);
  const refused: ImageCheckData = { ...CHECK, isCephalogram: false, warnings: [{ code: 'not_cephalogram', message: 'does not look like a lateral cephalogram' }] };
  const r = store.importWithLandmarks({ image: imageInput('chest'), model: 'm', version: '1', points: POINTS, check: refused });
  assert.equal(caseSummaryView(store.listCases()[0]).reviewState, 'refused');
  store.setTraceAnyway(r.image.id, true);
  assert.equal(caseSummaryView(store.listCases()[0]).reviewState, 'to_review');
  assert.equal(caseDetailView(store.getCase(r.image.id)).traceAnyway, true);

  const o = { rotation: 270 as const, mirrored: false, inverted: true };
  assert.deepEqual(store.setOrientationOverride(r.image.id, o).orientationOverride, o);
  assert.equal(store.setOrientationOverride(r.image.id, null).orientationOverride, null);
  assert.throws(() => store.setOrientationOverride(r.image.id, { rotation: 45 as 0, mirrored: false, inverted: false }), (e: Error & { code?: string }) => e.code === 'bad_request');
  // a check that does not match its schema never reaches the file
  assert.throws(
    () => store.importWithLandmarks({ image: imageInput('b'), model: 'm', version: '1', points: POINTS, check: { ...CHECK, isCephalogram: 'yes' } as unknown as ImageCheckData }),
    (e: Error & { code?: string }) => e.code === 'bad_request',
  );
});
