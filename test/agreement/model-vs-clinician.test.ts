// The model against the clinician, from the case database, through the loopback API with the real
// services and model: three DICOM films are traced by the model; before anyone reviews a tracing
// there is nothing to compare (said in words); the clinician moves sella 2.5 mm on one and accepts
// another as it stands; the agreement then pairs those two cases only: sella 1.25 mm apart on
// average, every other landmark 0, the measures through sella biased by half the first case's
// change (and Dahlberg's error equal to that bias's size), those without sella unbiased. The PDF,
// CSV and the CLI on the same database say the same.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLoopbackServer, type LoopbackServer } from '../../src-main/server/http.js';
import { createApp, type App } from '../../src-main/services/app.js';
import { cli, ISBI } from '../helpers/cli.js';
import { loopbackClient, type LoopbackClient } from '../helpers/loopback-client.js';
import { patientDicom } from '../helpers/patient-dicom.js';
import { poppler } from '../reports/helpers.js';

let app: App;
let server: LoopbackServer;
let client: LoopbackClient;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-agreement-'));
const db = path.join(tmp, 'cases.sqlite');

before(async () => {
  app = createApp({ dbPath: db, log: () => undefined });
  server = await startLoopbackServer({ handlers: app.handlers, events: app.events, pixels: app.pixels });
  client = loopbackClient(server);
});
after(async () => {
  await server.close();
  await app.close();
});

test('model vs clinician from the database: only reviewed or corrected cases, the clinician’s moves measured', async () => {
  const ids: number[] = [];
  for (const [i, file] of ['151', '152', '153'].entries()) {
    const bytes = await patientDicom(path.join(ISBI, 'images', `${file}.jpg`), { patientName: `Agree^${file}`, patientId: `A-${file}`, birthDate: '20100101', sex: 'M', studyDate: '20240101', studyUid: `1.2.826.0.1.3680043.10.998.${i + 1}`, spacingMm: 0.1 });
    const r = await client.call('images.importBytes', { fileName: `${file}.dcm`, dataBase64: bytes.toString('base64') });
    assert.ok(r.ok, JSON.stringify(r));
    ids.push((r as { imageId: number }).imageId);
  }
  assert.match(await client.refused('agreement.modelVsClinician', {}), /no case has a reviewed or hand-corrected model tracing/);

  // case 1: sella moved 2.5 mm (25 px at 0.1 mm) straight up; case 2: accepted as the model placed it
  const c1 = (await client.call('cases.get', { imageId: ids[0] })).landmarks!;
  const sella = c1.points.find((p) => p.landmarkId === 'sella')!;
  await client.call('landmarks.move', { setId: c1.setId, landmarkId: 'sella', x: sella.x, y: sella.y - 25 });
  const c2 = (await client.call('cases.get', { imageId: ids[1] })).landmarks!;
  await client.call('landmarks.setReviewed', { setId: c2.setId, reviewed: true });

  const r = await client.call('agreement.modelVsClinician', { analyses: ['steiner'] });
  assert.equal(r.images, 2);
  assert.equal(r.distanceUnit, 'mm');
  const s = r.landmarks.find((l) => l.id === 'sella')!;
  assert.equal(s.n, 2);
  assert.ok(Math.abs(s.meanDistance - 1.25) < 1e-6, `sella ${s.meanDistance}`);
  assert.equal(s.sdr?.['2mm'], 50);
  for (const l of r.landmarks) if (l.id !== 'sella') assert.ok(l.meanDistance < 1e-9, `${l.id} ${l.meanDistance}`);
  const sna = r.measures.find((m) => m.id === 'sna')!;
  const anb = r.measures.find((m) => m.id === 'anb')!;
  assert.ok(Math.abs(sna.blandAltman.bias) > 0.1, `SNA bias ${sna.blandAltman.bias}`);
  assert.ok(Math.abs(sna.dahlberg - Math.abs(sna.blandAltman.bias)) < 1e-9, 'one changed case of two: Dahlberg = |bias|');
  assert.ok(Math.abs(anb.blandAltman.bias) < 1e-9 && anb.dahlberg < 1e-9, 'ANB does not use sella');

  const pdf = await client.call('agreement.report', { analyses: ['steiner'], format: 'pdf' });
  assert.equal(pdf.mimeType, 'application/pdf');
  const pdfFile = path.join(tmp, pdf.fileName);
  fs.writeFileSync(pdfFile, Buffer.from(pdf.dataBase64, 'base64'));
  const text = poppler('pdftotext', ['-layout', pdfFile, '-']);
  assert.match(text, /a: model\s+b: clinician\s+2 images/);
  assert.match(text, /SNA/);
  const csv = Buffer.from((await client.call('agreement.report', { analyses: ['steiner'], format: 'csv' })).dataBase64, 'base64').toString('utf8');
  assert.match(csv, /landmark,sella,mm,2,1\.25/);

  const out = cli(['agreement', '--model-vs-clinician', '--db', db, '--analyses', 'steiner']);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /^2 images; analyses: steiner/);
  assert.match(out.stdout, /sella\s+2\s+1\.25/);
  assert.equal((await client.call('agreement.modelVsClinician', { analyses: ['nope'] }).catch((e: Error) => e.message)).toString().includes('unknown analysis'), true);
});
