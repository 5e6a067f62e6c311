// A patient's studies over time through the loopback API with the real services: two DICOM studies
// of one patient (an ISBI film, and the same film a year later whose mandible the clinician moved
// as growth would) are imported and traced by the real model; the timeline orders them with the
// patient's age; the superimposition shows the mandible's move and nothing else; mixing patients,
// an uncalibrated study or an untraced one is refused with a plain message.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLoopbackServer, type LoopbackServer } from '../../src-main/server/http.js';
import { createApp, type App } from '../../src-main/services/app.js';
import { cli, ISBI } from '../helpers/cli.js';
import { patientDicom } from '../helpers/patient-dicom.js';
import { poppler } from '../reports/helpers.js';
import { loopbackClient, type LoopbackClient } from '../helpers/loopback-client.js';

let app: App;
let server: LoopbackServer;
let client: LoopbackClient;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-superimpose-'));
const film = path.join(ISBI, 'images', '151.jpg');

before(async () => {
  app = createApp({ dbPath: path.join(tmp, 'cases.sqlite'), log: () => undefined });
  server = await startLoopbackServer({ handlers: app.handlers, events: app.events, pixels: app.pixels });
  client = loopbackClient(server);
});
after(async () => {
  await server.close();
  await app.close();
});

async function importStudy(file: string, tags: Parameters<typeof patientDicom>[1]): Promise<number> {
  const bytes = await patientDicom(file, tags);
  const r = await client.call('images.importBytes', { fileName: `${tags.studyUid}.dcm`, dataBase64: bytes.toString('base64') });
  assert.ok(r.ok, JSON.stringify(r));
  return (r as { imageId: number }).imageId;
}

const patient = { patientName: 'Growth^Gina', patientId: 'P-22', birthDate: '20120301', sex: 'F' as const, spacingMm: 0.1 };
const MANDIBLE = ['supramentale', 'pogonion', 'gnathion', 'menton', 'gonion', 'lower_incisal_incision'];

test('two studies of one patient: timeline with ages, superimposed on S-N, the mandible’s move in the change table', async () => {
  // imported out of order: the later study first
  const t1 = await importStudy(film, { ...patient, studyDate: '20250310', studyUid: '1.2.826.0.1.3680043.10.999.2' });
  const t0 = await importStudy(film, { ...patient, studyDate: '20240305', studyUid: '1.2.826.0.1.3680043.10.999.1' });
  const timeline = await client.call('patients.timeline', { imageId: t1 });
  assert.deepEqual(timeline.entries.map((e) => [e.imageId, e.label, e.studyDate, e.ageYears]), [
    [t0, 'T0', '2024-03-05', 12],
    [t1, 'T1', '2025-03-10', 13],
  ]);
  assert.equal(timeline.patient.externalId, 'P-22');
  assert.ok(timeline.entries.every((e) => e.traced && e.calibrated));

  // the clinician moves T1's mandible 3 mm down and 2 mm forward on the film (S-N is near horizontal on ISBI films)
  const c1 = await client.call('cases.get', { imageId: t1 });
  let set = c1.landmarks!;
  for (const id of MANDIBLE) {
    const p = set.points.find((q) => q.landmarkId === id)!;
    set = await client.call('landmarks.move', { setId: set.setId, landmarkId: id, x: p.x + 20, y: p.y + 30 });
  }
  const c0 = await client.call('cases.get', { imageId: t0 });
  const s = c0.landmarks!.points.find((p) => p.landmarkId === 'sella')!;
  const n = c0.landmarks!.points.find((p) => p.landmarkId === 'nasion')!;
  const ang = Math.atan2(n.y - s.y, n.x - s.x);
  // the move read in the S-N frame
  const expected = { dx: 2 * Math.cos(ang) + 3 * Math.sin(ang), dy: -2 * Math.sin(ang) + 3 * Math.cos(ang) };

  const sup = await client.call('superimposition.compute', { imageIds: [t0, t1], registration: 'sn-at-s', analyses: ['steiner', 'downs'] });
  assert.equal(sup.registration.name, 'Cranial base, S-N at S');
  assert.deepEqual(sup.timePoints.map((t) => t.ageYears), [12, 13]);
  const disp = (id: string) => sup.landmarks.find((l) => l.id === id)!.displacements[1]!;
  for (const id of MANDIBLE) {
    assert.ok(Math.abs(disp(id).dx - expected.dx) < 1e-6 && Math.abs(disp(id).dy - expected.dy) < 1e-6, `${id}: ${JSON.stringify(disp(id))} vs ${JSON.stringify(expected)}`);
  }
  for (const id of ['sella', 'nasion', 'subspinale', 'porion']) assert.ok(disp(id).d < 1e-6, `${id} moved ${disp(id).d} mm`);
  const snb = sup.measures.find((m) => m.id === 'snb')!;
  assert.ok(snb.values[0] !== null && snb.changes[1]! > 0.3, `SNB ${JSON.stringify(snb)}: the chin came forward`);
  assert.ok(Math.abs(snb.changes[1]! - (snb.values[1]! - snb.values[0]!)) < 1e-12);
  assert.equal(sup.measures.find((m) => m.id === 'sna')!.changes[1], 0);
  // drawn on T0's film, T1's unmoved points sit on T0's own
  const onT0 = sup.onFirstImage[1];
  assert.ok(Math.hypot(onT0.nasion.x - n.x, onT0.nasion.y - n.y) < 1e-6);

  // on the mandible the chin does not move, the cranial base does
  const byMandible = await client.call('superimposition.compute', { imageIds: [t0, t1], registration: 'mandible', analyses: [] });
  const mandibleDisp = (id: string) => byMandible.landmarks.find((l) => l.id === id)!.displacements[1]!;
  assert.ok(mandibleDisp('pogonion').d < 1e-6, `Pog ${mandibleDisp('pogonion').d}`);
  assert.ok(Math.abs(mandibleDisp('sella').d - Math.sqrt(13)) < 1e-6, `S ${mandibleDisp('sella').d}`);
  assert.deepEqual(byMandible.registration.usedPoints, [['supramentale', 'pogonion', 'gnathion', 'menton', 'gonion']]);

  // the command line reads the same database and says the same
  const json = path.join(tmp, 'sup.json');
  const csv = path.join(tmp, 'sup.csv');
  const run = cli(['superimpose', String(t0), String(t1), '--db', path.join(tmp, 'cases.sqlite'), '-a', 'steiner,downs', '--json', json, '--csv', csv]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(fs.readFileSync(json, 'utf8')), sup);
  assert.match(run.stdout, /registration: Cranial base, S-N at S/);
  assert.match(fs.readFileSync(csv, 'utf8'), /^registration,kind,id,unit,time_point,date,age_years,value,change/);
  // the printed superimposition: registration, time points, tables, the first radiograph under the tracings
  const pdf = await client.call('superimposition.report', { imageIds: [t0, t1], registration: 'sn-at-s', analyses: ['steiner'], format: 'pdf' });
  assert.equal(pdf.mimeType, 'application/pdf');
  const pdfFile = path.join(tmp, pdf.fileName);
  fs.writeFileSync(pdfFile, Buffer.from(pdf.dataBase64, 'base64'));
  const text = poppler('pdftotext', ['-layout', pdfFile, '-']);
  for (const s of ['Superimposition', 'Cranial base, S-N at S', 'T1 (2025-03-10), age 13.0', '0.0 / 0.0 / 0.0', 'Growth Gina, P-22', 'SNB', 'Landmark displacement from T0', 'Pog pogonion']) assert.ok(text.replace(/ +/g, ' ').includes(s), `the PDF lacks '${s}':\n${text}`);
  assert.match(poppler('pdfimages', ['-list', pdfFile]), /\n\s+1\s+0\s+image/);
  const csvReport = await client.call('superimposition.report', { imageIds: [t0, t1], analyses: ['steiner', 'downs'], format: 'csv' });
  assert.equal(Buffer.from(csvReport.dataBase64, 'base64').toString('utf8'), fs.readFileSync(csv, 'utf8'));
  const tl = cli(['timeline', String(t0), '--db', path.join(tmp, 'cases.sqlite')]);
  assert.equal(tl.status, 0, tl.stderr);
  assert.match(tl.stdout, /T0 +image \d+ +2024-03-05 age 12\.0/);
});

test('refuses another patient’s study, an uncalibrated study, an untraced one and an unknown registration, in words', async () => {
  const cases = await client.call('cases.list', {});
  const ids = cases.map((c) => c.imageId);
  const other = await importStudy(film, { patientName: 'Other^Otto', patientId: 'P-99', studyDate: '20240101', studyUid: '1.2.826.0.1.3680043.10.999.9', spacingMm: 0.1 });
  assert.match(await client.refused('superimposition.compute', { imageIds: [ids[0], other] }), /of one patient/);
  const flat = await importStudy(film, { ...patient, spacingMm: undefined, studyDate: '20260101', studyUid: '1.2.826.0.1.3680043.10.999.3' });
  assert.match(await client.refused('superimposition.compute', { imageIds: [ids[0], flat] }), /has no pixel spacing or ruler/);
  const untraced = await client.call('images.importBytes', { fileName: 'later.dcm', detect: false, dataBase64: (await patientDicom(film, { ...patient, studyDate: '20270101', studyUid: '1.2.826.0.1.3680043.10.999.4' })).toString('base64') });
  assert.match(await client.refused('superimposition.compute', { imageIds: [ids[0], (untraced as { imageId: number }).imageId] }), /has no tracing/);
  assert.equal((await client.post('superimposition.compute', { imageIds: [ids[0], ids[1]], registration: 'chin' })).ok, false);
  const timeline = await client.call('patients.timeline', { imageId: ids[0] });
  assert.deepEqual(timeline.entries.map((e) => e.label), ['T0', 'T1', 'T2', 'T3']);
  assert.deepEqual(timeline.entries.map((e) => [e.traced, e.calibrated]), [[true, true], [true, true], [true, false], [false, true]]);
});
