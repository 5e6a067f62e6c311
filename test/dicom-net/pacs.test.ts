// The app and a real PACS (Orthanc) over DICOM, through the real `medsapiens serve` and its API:
// the PACS answers an echo; C-FIND finds studies by name, ID, date and modality; C-MOVE pulls a
// study to the app, where it is imported and traced; the tracing goes back as a Comprehensive SR
// and the report as an Encapsulated PDF, stored in Orthanc in the image's study and read back with
// dcmtk (dsrdump, dcm2pdf): coordinates and values are the case's. Marking a tracing reviewed
// sends it by itself when the clinic asked for that. A PACS that is down or does not know us is
// said plainly.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ISBI } from '../helpers/cli.js';
import { loopbackClient, type LoopbackClient } from '../helpers/loopback-client.js';
import { type Proc, startCli, watchEntry } from '../reliability/helpers.js';
import { cephalogramDicom, dcmtk, freePort, until } from './helpers.js';
import { startOrthanc } from './orthanc.js';

interface Served extends LoopbackClient {
  proc: Proc;
  stop(): Promise<void>;
}

async function serve(db: string, staticDir: string): Promise<Served> {
  const proc = startCli(['serve', '--db', db, '--static', staticDir], { entry: watchEntry() });
  await proc.waitFor(() => proc.lines.some((l) => l.includes('#token=')), 'the server address');
  const [url, token] = proc.lines.find((l) => l.includes('#token='))!.trim().split('/#token=');
  return {
    proc,
    ...loopbackClient({ url: url!, token: token! }),
    async stop() {
      proc.child.kill('SIGTERM');
      const { code } = await proc.exited;
      assert.equal(code, 0, `serve exited with ${code}: ${proc.stderr().slice(-2000)}`);
    },
  };
}

/** "(POINT,835.711182/995.227051)" of a landmark's SCOORD in dsrdump's output */
function pointOf(dump: string, name: string): [number, number] {
  const m = new RegExp(`SCOORD:\\(,,"${name.replace(/[()]/g, '\\$&')}"\\)=\\(POINT,([-0-9.e]+)/([-0-9.e]+)\\)`).exec(dump);
  assert.ok(m, `no SCOORD for ${name} in the SR`);
  return [Number(m[1]), Number(m[2])];
}
function numOf(dump: string, name: string): number {
  const m = new RegExp(`NUM:\\(,,"${name}"\\)="([-0-9.e]+)"`).exec(dump);
  assert.ok(m, `no NUM for ${name} in the SR`);
  return Number(m[1]);
}

test('PACS: echo, query, retrieve a study traced, send the SR and the PDF back, automatically after review; a PACS down is said plainly', { timeout: 300_000 }, async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-pacs-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const staticDir = path.join(tmp, 'ui');
  fs.mkdirSync(staticDir);
  const receiverPort = await freePort();
  const orthanc = await startOrthanc(tmp, { medsapiens: ['MEDSAPIENS', '127.0.0.1', receiverPort] });
  t.after(() => orthanc.stop());
  // two patients' cephalograms already in the PACS, sent there as a device would
  const films = [await cephalogramDicom(tmp, '001', 1), await cephalogramDicom(tmp, '002', 2)];
  for (const f of films) assert.equal((await dcmtk('storescu', ['-xy', '-aec', orthanc.aeTitle, '127.0.0.1', String(orthanc.dicomPort), f])).code, 0);

  const app = await serve(path.join(tmp, 'cases.sqlite'), staticDir);
  try {
    const none = await app.call('pacs.status', {});
    assert.equal(none.config, null);
    assert.match(await app.refused('pacs.echo', {}), /no PACS is set up/);
    await app.call('dicom.receiver.set', { enabled: true, port: receiverPort, aeTitle: 'MEDSAPIENS', allowedCallingAeTitles: [orthanc.aeTitle], allowedHosts: [] });
    const pacs = { aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: orthanc.dicomPort, sendAfterReview: false, analyses: ['steiner'] };
    assert.deepEqual((await app.call('pacs.set', { config: pacs })).config, pacs);
    assert.equal((await app.call('pacs.echo', {})).ok, true);

    // C-FIND
    const byName = (await app.call('pacs.query', { patientName: 'store^anna' })).studies;
    assert.deepEqual(byName.map((s) => s.patientId).sort(), ['DS-1', 'DS-2']);
    const second = (await app.call('pacs.query', { patientId: 'DS-2' })).studies;
    assert.deepEqual(second.map((s) => [s.patientName, s.studyDate, s.studyUid]), [['Store^Anna2', '20240301', '1.2.826.0.1.3680043.10.997.2']]);
    assert.equal((await app.call('pacs.query', { dateFrom: '20240302' })).studies.length, 0);
    assert.equal((await app.call('pacs.query', { dateFrom: '20240101', dateTo: '20240301', modality: 'OT' })).studies.length, 2);
    assert.equal((await app.call('pacs.query', { modality: 'MR' })).studies.length, 0);
    assert.equal((await app.call('pacs.query', { patientName: 'Anna*\\' })).studies.length, 0, 'wildcards typed by the user must not widen the search');

    // C-MOVE to our receiver: the study arrives, is imported and traced
    const t0 = performance.now();
    const moved = await app.call('pacs.retrieve', { studyUid: '1.2.826.0.1.3680043.10.997.2' });
    assert.deepEqual(moved, { completed: 1, failed: 0, warnings: 0 });
    const cases = await until('the retrieved study to be traced', async () => {
      const list = await app.call('cases.list', {});
      return list.length === 1 && list[0]!.hasLandmarks && list;
    });
    t.diagnostic(`retrieve to landmarks stored: ${Math.round(performance.now() - t0)} ms`);
    const imageId = cases[0]!.imageId;
    const c = await app.call('cases.get', { imageId });

    // the SR and the PDF stored to Orthanc, in the image's study
    const { outcomes } = await app.call('pacs.send', { imageId, analyses: ['steiner'], kinds: ['sr', 'pdf'] });
    assert.deepEqual(outcomes.map((o) => [o.kind, o.ok, o.status]), [['sr', true, 0], ['pdf', true, 0]]);
    const fetchInstance = async (uid: string) => {
      const found = await orthanc.rest<{ ID: string; Type: string }[]>('/tools/lookup', { method: 'POST', body: uid });
      assert.equal(found[0]?.Type, 'Instance', `${uid} is not in Orthanc`);
      const file = path.join(tmp, `${uid}.dcm`);
      fs.writeFileSync(file, await orthanc.bytes(`/instances/${found[0]!.ID}/file`));
      const tags = await orthanc.rest<Record<string, string>>(`/instances/${found[0]!.ID}/simplified-tags`);
      return { file, tags };
    };
    const sr = await fetchInstance(outcomes[0]!.sopInstanceUid);
    assert.equal(sr.tags.StudyInstanceUID, '1.2.826.0.1.3680043.10.997.2');
    assert.equal(sr.tags.PatientID, 'DS-2');
    assert.equal(sr.tags.Modality, 'SR');
    const dump = execFileSync('dsrdump', ['-Ee', sr.file], { encoding: 'utf8' });
    assert.match(dump, /Comprehensive SR Document/);
    for (const p of c.landmarks!.points.filter((x) => ['sella', 'nasion', 'menton'].includes(x.landmarkId))) {
      const name = { sella: 'Sella \\(S\\)', nasion: 'Nasion \\(N\\)', menton: 'Menton \\(Me\\)' }[p.landmarkId]!;
      const [x, y] = pointOf(dump, name.replaceAll('\\', ''));
      // SR image coordinates start at the first pixel's corner, the app's at its centre
      assert.ok(Math.abs(x - (p.x + 0.5)) < 1e-3 && Math.abs(y - (p.y + 0.5)) < 1e-3, `${p.landmarkId}: SR (${x}, ${y}) vs case (${p.x}, ${p.y})`);
    }
    const report = JSON.parse(Buffer.from((await app.call('reports.create', { imageId, analyses: ['steiner'], format: 'json' })).dataBase64, 'base64').toString());
    const sna = report.analyses[0].measures.find((m: { id: string }) => m.id === 'sna');
    assert.ok(Math.abs(numOf(dump, 'SNA') - sna.value) < 1e-5, `SNA ${numOf(dump, 'SNA')} vs ${sna.value}`);

    const pdf = await fetchInstance(outcomes[1]!.sopInstanceUid);
    assert.equal(pdf.tags.StudyInstanceUID, '1.2.826.0.1.3680043.10.997.2');
    assert.equal(pdf.tags.Modality, 'DOC');
    const pdfFile = path.join(tmp, 'report.pdf');
    execFileSync('dcm2pdf', [pdf.file, pdfFile]);
    const text = execFileSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' });
    assert.match(text, /Store Anna2|Anna2/);
    assert.match(text, new RegExp(`SNA[\\s\\S]{0,80}${sna.value.toFixed(1)}`));

    // sent by itself when the tracing is marked reviewed
    await app.call('pacs.set', { config: { ...pacs, sendAfterReview: true } });
    await app.call('landmarks.setReviewed', { setId: c.landmarks!.setId, reviewed: true });
    const auto = await until('the automatic send', async () => {
      const s = await app.call('pacs.status', {});
      return s.recent[0]?.automatic && s.recent[0];
    });
    assert.deepEqual(auto.outcomes.map((o) => o.ok), [true, true], JSON.stringify(auto));
    const study = await orthanc.rest<{ Series: string[] }[]>('/studies?expand');
    const series = study.find((s) => (s as unknown as { MainDicomTags: { StudyInstanceUID: string } }).MainDicomTags.StudyInstanceUID === '1.2.826.0.1.3680043.10.997.2')!.Series;
    assert.equal(series.length, 5, 'the film, two SR and two PDF series');

    // a PACS that does not know our AE title as a destination, and one that is down
    await app.call('dicom.receiver.set', { enabled: true, port: receiverPort, aeTitle: 'STRANGER', allowedCallingAeTitles: [], allowedHosts: [] });
    assert.match(await app.refused('pacs.retrieve', { studyUid: '1.2.826.0.1.3680043.10.997.1' }), /STRANGER|refused the association/);
    await app.call('dicom.receiver.set', { enabled: true, port: receiverPort, aeTitle: 'MEDSAPIENS', allowedCallingAeTitles: [], allowedHosts: [] });
    await app.call('pacs.set', { config: { ...pacs, port: await freePort() } });
    const t1 = performance.now();
    assert.match(await app.refused('pacs.echo', {}), /cannot be reached: nothing answers on that port/);
    assert.match(await app.refused('pacs.send', { imageId, analyses: ['steiner'], kinds: ['sr'] }), /cannot be reached/);
    assert.ok(performance.now() - t1 < 10_000, 'a PACS that is down must fail fast');
    const s = await app.call('pacs.status', {});
    assert.match(s.recent[0]!.error ?? '', /cannot be reached/);
    // a case that did not come from DICOM cannot be sent: said, not attempted
    await app.call('pacs.set', { config: pacs });
    const [jpg] = await app.call('images.importPaths', { paths: [path.join(ISBI, 'images', '003.jpg')], detect: true });
    assert.ok(jpg?.ok);
    assert.match(await app.refused('pacs.send', { imageId: (jpg as { imageId: number }).imageId, analyses: ['steiner'], kinds: ['sr'] }), /not from DICOM/);
  } finally {
    await app.stop();
  }
});
