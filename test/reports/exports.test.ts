// CSV and JSON exports of the real case, parsed back: the landmarks as stored (the moved one
// included), in mm where calibrated, and every measure as evaluateAnalysis computes it here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateAnalysis } from '../../src-shared/ceph/index.js';
import { CSV_HEADERS, createReport, parseReportJson, reportForCase, ReportSchema } from '../../src-main/reports/index.js';
import { buildRealCase, isbiImage, LOW_CONFIDENCE_IDS, MODEL, MOVED, PATIENT, parseCsvBlocks, parseCsvRows, seniorPoints, STUDY } from './helpers.js';

const ANALYSES = ['steiner', 'downs', 'isbi2015'];

test('CSV export: case, landmark and measure blocks that parse back to the stored values', async (t) => {
  const c = await buildRealCase(t);
  const detail = c.store.getCase(c.imageId);
  const r = await createReport({ case: detail, analyses: ANALYSES, format: 'csv', anonymise: false, model: MODEL });
  assert.equal(r.mimeType, 'text/csv; charset=utf-8');
  assert.match(r.fileName, /^ceph-report_PID-778899_2024-05-06_img\d+\.csv$/);
  const text = r.bytes.toString('utf8');
  const [caseRows, landmarks, measures] = parseCsvBlocks(text);

  // headers as documented
  const headers = text.slice(1).split('\r\n\r\n').map((b) => parseCsvRows(b)[0]);
  assert.deepEqual(headers, [CSV_HEADERS.case, CSV_HEADERS.landmark, CSV_HEADERS.measure].map((h) => [...h]));

  const kv = Object.fromEntries(caseRows.map((r) => [r.key, r.value]));
  assert.equal(kv.patient_name, PATIENT.name);
  assert.equal(kv.patient_id, PATIENT.externalId);
  assert.equal(kv.birth_date, PATIENT.birthDate);
  assert.equal(kv.sex, 'F');
  assert.equal(kv.study_date, STUDY.studyDate);
  assert.equal(kv.study_description, STUDY.description); // holds a comma: quoted and read back
  assert.equal(kv.model, MODEL.name);
  assert.equal(kv.model_version, MODEL.version);
  assert.equal(kv.calibration, 'ruler 0.100 mm/px');
  assert.equal(Number(kv.mm_per_pixel), 0.1);
  assert.equal(kv.anonymised, 'false');

  // landmarks: all 19, coordinates as stored, mm = px * 0.1
  const senior = new Map(seniorPoints('001').map((p) => [p.landmarkId, p]));
  assert.equal(landmarks.length, 19);
  for (const l of landmarks) {
    assert.equal(l.section, 'landmark');
    const s = senior.get(l.landmark_id)!;
    const moved = l.landmark_id === MOVED.id;
    assert.equal(Number(l.x), s.x + (moved ? MOVED.dx : 0), l.landmark_id);
    assert.equal(Number(l.y), s.y + (moved ? MOVED.dy : 0), l.landmark_id);
    assert.ok(Math.abs(Number(l.x_mm) - Number(l.x) * 0.1) < 0.006);
    assert.ok(Math.abs(Number(l.y_mm) - Number(l.y) * 0.1) < 0.006);
    assert.equal(l.source, moved ? 'hand' : 'model');
    assert.equal(l.edit, moved ? 'moved' : 'none');
    assert.equal(l.confidence, moved ? '' : LOW_CONFIDENCE_IDS.includes(l.landmark_id) ? '0.12' : '0.93');
    assert.equal(l.low_confidence, String(LOW_CONFIDENCE_IDS.includes(l.landmark_id)));
  }
  assert.equal(landmarks.find((l) => l.landmark_id === 'sella')!.abbreviation, 'S');

  // measures: one row per measure of each analysis, values as computed here
  const tracing = Object.fromEntries(detail.landmarks!.points.map((p) => [p.landmarkId, { x: p.x, y: p.y }]));
  const expected = ANALYSES.flatMap((id) => evaluateAnalysis(id, tracing, { mmPerPixel: 0.1 }).measures.map((m) => ({ analysis: id, m })));
  assert.equal(measures.length, expected.length);
  expected.forEach(({ analysis, m }, i) => {
    const row = measures[i];
    assert.equal(row.section, 'measure');
    assert.equal(row.analysis, analysis);
    assert.equal(row.measure_id, m.id);
    assert.equal(row.measure, m.name);
    assert.equal(row.unit, m.unit);
    assert.equal(row.status, m.result.status, `${analysis}.${m.id}`);
    if (m.result.status === 'ok') {
      assert.ok(Math.abs(Number(row.value) - m.result.value) < 6e-4, `${analysis}.${m.id}`);
      assert.equal(Number(row.norm_mean), m.result.norm!.mean);
      assert.equal(Number(row.norm_sd), m.result.norm!.sd);
      assert.ok(Math.abs(Number(row.deviation_sd) - m.result.deviation!) < 6e-4);
      assert.equal(row.flag, m.result.flag);
    } else {
      assert.equal(row.value, '');
      assert.equal(row.flag, '');
    }
    if (m.result.status === 'missing') assert.match(row.detail, /^missing: /);
  });
  const sna = measures.find((r) => r.analysis === 'steiner' && r.measure_id === 'sna')!;
  assert.equal(sna.unit, 'deg');
});

test('CSV: linear values are empty and marked uncalibrated without a calibration', async (t) => {
  const c = await buildRealCase(t, { ruler: false });
  const r = await createReport({ case: c.store.getCase(c.imageId), analyses: ['steiner'], format: 'csv', anonymise: false, model: null });
  const [caseRows, landmarks, measures] = parseCsvBlocks(r.bytes.toString('utf8'));
  const kv = Object.fromEntries(caseRows.map((r) => [r.key, r.value]));
  assert.equal(kv.calibration, 'uncalibrated');
  assert.equal(kv.mm_per_pixel, '');
  assert.ok(landmarks.every((l) => l.x_mm === '' && l.y_mm === '' && l.x !== ''));
  const u1 = measures.find((m) => m.measure_id === 'u1_na_mm')!;
  assert.deepEqual([u1.status, u1.value, u1.detail], ['uncalibrated', '', 'uncalibrated']);
});

test('JSON export: one object, valid against the exported schema, matching the case', async (t) => {
  const c = await buildRealCase(t);
  const detail = c.store.getCase(c.imageId);
  const r = await createReport({ case: detail, analyses: ANALYSES, format: 'json', anonymise: false, model: MODEL, generatedAt: new Date('2025-02-03T10:20:00Z') });
  assert.equal(r.mimeType, 'application/json');
  const text = r.bytes.toString('utf8');
  const data = parseReportJson(text);
  assert.deepEqual(ReportSchema.parse(JSON.parse(text)), data);

  assert.equal(data.format, 'medsapiens-report');
  assert.equal(new Date(data.generatedAt).toISOString(), '2025-02-03T10:20:00.000Z');
  assert.deepEqual(data.case.patient, { name: PATIENT.name, id: PATIENT.externalId, birthDate: PATIENT.birthDate, sex: 'F' });
  assert.deepEqual(data.case.study, { date: STUDY.studyDate, description: STUDY.description, uid: STUDY.studyUid });
  assert.equal(data.case.image.fileName, '001.jpg');
  assert.deepEqual([data.case.image.width, data.case.image.height], [1935, 2400]);
  assert.deepEqual(data.model, MODEL);
  assert.equal(data.calibration.source, 'ruler');
  assert.equal(data.calibration.mmPerPixel, 0.1);
  assert.equal(data.landmarkSet.edited, true);
  assert.equal(data.landmarks.length, 19);
  const a = data.landmarks.find((l) => l.id === MOVED.id)!;
  assert.deepEqual([a.source, a.edit, a.confidence], ['hand', 'moved', null]);
  assert.deepEqual(
    data.flags.map((f) => [f.kind, f.landmarkId]),
    [
      ['hand_moved', 'subspinale'],
      ['low_confidence', 'gonion'],
      ['low_confidence', 'soft_tissue_pogonion'],
    ],
  );

  const tracing = Object.fromEntries(detail.landmarks!.points.map((p) => [p.landmarkId, { x: p.x, y: p.y }]));
  assert.deepEqual(
    data.analyses.map((x) => x.id),
    ANALYSES,
  );
  for (const analysis of data.analyses) {
    const want = evaluateAnalysis(analysis.id, tracing, { mmPerPixel: 0.1 });
    assert.equal(analysis.normSet, want.normSet);
    assert.deepEqual(analysis.missing, want.missing);
    analysis.measures.forEach((m, i) => {
      const w = want.measures[i];
      assert.equal(m.id, w.id);
      assert.equal(m.status, w.result.status);
      if (w.result.status === 'ok') {
        assert.equal(m.value, w.result.value);
        assert.equal(m.deviation, w.result.deviation);
        assert.equal(m.flag, w.result.flag);
        assert.deepEqual(m.norm, w.result.norm);
      }
      if (w.result.status === 'missing') assert.deepEqual(m.missing, w.result.missing);
    });
  }
  // isbi2015 uses its own norms unless a set is named
  assert.equal(data.analyses.find((x) => x.id === 'isbi2015')!.normSet, 'isbi2015');
});

test('a norm set named for the report applies to every analysis', async (t) => {
  const c = await buildRealCase(t);
  const r = await createReport({ case: c.store.getCase(c.imageId), analyses: ['steiner', 'isbi2015'], format: 'json', anonymise: false, model: null, normSet: 'textbook-male' });
  const data = parseReportJson(r.bytes.toString('utf8'));
  assert.deepEqual(
    data.analyses.map((a) => a.normSet),
    ['textbook-male', 'textbook-male'],
  );
  await assert.rejects(createReport({ case: c.store.getCase(c.imageId), analyses: ['steiner'], format: 'json', anonymise: false, model: null, normSet: 'nope' }), {
    code: 'bad_request',
  });
});

test('parseReportJson refuses what is not a report', () => {
  assert.throws(() => parseReportJson('{'), { code: 'bad_request' });
  assert.throws(() => parseReportJson('{"format":"medsapiens-report"}'), { code: 'bad_request' });
});

test('a set traced entirely by hand: no model named, every point flagged as placed by hand', async (t) => {
  const c = await buildRealCase(t, { landmarks: false });
  const store = c.store as typeof c.store & { createEmptySet?: (id: number, model: string, version: string) => { set: { id: number } } };
  if (typeof store.createEmptySet !== 'function') return t.skip('this case store has no createEmptySet');
  const set = store.createEmptySet(c.imageId, 'manual', '1').set.id;
  for (const p of seniorPoints('001').slice(0, 4)) store.placePoint(set, p.landmarkId, p.x, p.y);
  const r = await reportForCase({ store, library: { load: () => isbiImage() } }, { imageId: c.imageId, analyses: ['steiner'], format: 'json' });
  const data = parseReportJson(r.bytes.toString('utf8'));
  assert.equal(data.model, null);
  assert.equal(data.landmarks.length, 4);
  assert.ok(data.landmarks.every((l) => l.source === 'hand' && l.edit === 'placed' && l.confidence === null && !l.lowConfidence));
  assert.deepEqual(
    data.flags.map((f) => f.kind),
    ['hand_placed', 'hand_placed', 'hand_placed', 'hand_placed'],
  );
  const sna = data.analyses[0].measures.find((m) => m.id === 'sna')!;
  assert.equal(sna.status, 'missing'); // A point not among the four
});
