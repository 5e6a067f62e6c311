// The smaller findings of the hardening review, each through the real services and server:
// impossible calibrations refused or ignored in words; over-long header text imported (cut), not
// refused; hostile upload names and malformed escapes answered, not 500; the static server keeps to
// its folder; a batch on a missing folder is an error now, not a silent failure; a refused import
// leaves no copy in the library; uploads left by a crash are removed at the next start.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startLoopbackServer } from '../../src-main/server/http.js';
import { createApp } from '../../src-main/services/app.js';
import { ISBI } from '../helpers/cli.js';
import { loopbackClient } from '../helpers/loopback-client.js';
import { patientDicom } from '../helpers/patient-dicom.js';

const film = path.join(ISBI, 'images', '151.jpg');

test('hardening: calibrations, long names, upload names, escapes, static links, batch, orphan copies, stale uploads', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-hardening-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // an upload folder a crash left an hour and more ago, and one in use by another instance now
  const stale = fs.mkdtempSync(path.join(os.tmpdir(), 'medsapiens-upload-'));
  fs.writeFileSync(path.join(stale, 'ceph.dcm'), 'left behind');
  const old = (Date.now() - 2 * 3600_000) / 1000;
  fs.utimesSync(stale, old, old);
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'medsapiens-upload-'));
  t.after(() => fs.rmSync(fresh, { recursive: true, force: true }));

  const staticDir = path.join(dir, 'site');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
  const secret = path.join(dir, 'secret.txt');
  fs.writeFileSync(secret, 'outside the site');
  fs.symlinkSync(secret, path.join(staticDir, 'leak.txt'));

  const app = createApp({ dbPath: path.join(dir, 'db', 'cases.sqlite'), log: () => undefined });
  const server = await startLoopbackServer({ handlers: app.handlers, events: app.events, pixels: app.pixels, staticDir });
  t.after(async () => {
    await server.close();
    await app.close();
  });
  const api = loopbackClient(server);
  assert.equal(fs.existsSync(stale), false, 'the stale upload is gone');
  assert.equal(fs.existsSync(fresh), true, 'a recent one is left to its owner');

  const upload = async (name: string, bytes: Buffer) => api.call('images.importBytes', { fileName: name, dataBase64: bytes.toString('base64'), detect: false });
  const dicom = (tags: Partial<Parameters<typeof patientDicom>[1]>, uid: string) =>
    patientDicom(film, { patientName: 'Roe^Jane', patientId: 'H-1', studyDate: '20240101', studyUid: uid, ...tags });

  // impossible spacings in a header: imported uncalibrated
  for (const [i, mm] of [1e308, 5].entries()) {
    const r = await upload(`spacing-${i}.dcm`, await dicom({ spacingMm: mm, patientId: `S-${i}` }, `1.2.826.0.1.3680043.10.777.${i}`));
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal((await api.call('cases.get', { imageId: (r as { imageId: number }).imageId })).spacing, null, `${mm} mm/px`);
  }
  // impossible rulers: refused in words
  const jpg = await upload('plain.jpg', fs.readFileSync(film));
  const imageId = (jpg as { imageId: number }).imageId;
  for (const [p2, lengthMm] of [[{ x: 1100, y: 100 }, 1e308], [{ x: 1100, y: 100 }, 0.001], [{ x: 103, y: 100 }, 10]] as const) {
    const message = await api.refused('images.setRuler', { imageId, p1: { x: 100, y: 100 }, p2, lengthMm });
    assert.match(message, /pixel spacing outside|at least 10 pixels apart|at most 1000 mm/, message);
  }
  assert.equal((await api.call('images.setRuler', { imageId, p1: { x: 100, y: 100 }, p2: { x: 1100, y: 100 }, lengthMm: 100 })).ruler?.lengthMm, 100);

  // a 300-character patient name: imported, cut to what the database keeps
  const long = `${'Verylongfamilyname'.repeat(10)}^${'Given'.repeat(24)}`;
  const lr = await upload('long.dcm', await dicom({ patientName: long, patientId: 'L-1' }, '1.2.826.0.1.3680043.10.777.9'));
  assert.ok(lr.ok, JSON.stringify(lr));
  assert.equal((await api.call('cases.get', { imageId: (lr as { imageId: number }).imageId })).patientName?.length, 256);

  // hostile upload names: imported under a safe name
  for (const name of ['.', '..', `${'x'.repeat(300)}.jpg`, '../../etc/passwd', 'C:\\Windows\\win.ini']) {
    const r = await upload(name, fs.readFileSync(path.join(ISBI, 'images', '152.jpg')));
    assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
  }

  // a malformed escape is a 400; a link out of the site's folder is not followed
  const get = (p: string) => fetch(`${server.url}${p}`).then(async (res) => ({ status: res.status, body: await res.text() }));
  assert.equal((await get('/%E0%A4%A')).status, 400);
  const leak = await get('/leak.txt');
  assert.ok(!leak.body.includes('outside the site'), 'the link was followed out of the folder');
  assert.equal((await get('/index.html')).status, 200);

  // a batch on a folder that does not exist: an error at once
  assert.match(await api.refused('batch.start', { folder: path.join(dir, 'no-such-folder') }), /is not a folder/);

  // a refused import (the study is already filed under another patient) leaves no copy behind
  const library = app.library.folder;
  const before = fs.readdirSync(library).length;
  const clash = await upload('clash.dcm', await patientDicom(path.join(ISBI, 'images', '153.jpg'), { patientName: 'Other^Olga', patientId: 'O-1', studyDate: '20240101', studyUid: '1.2.826.0.1.3680043.10.777.9' }));
  assert.equal(clash.ok, false, JSON.stringify(clash));
  assert.equal(fs.readdirSync(library).length, before, 'no orphan copy in the library');
});
