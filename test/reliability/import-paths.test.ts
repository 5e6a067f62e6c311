// Calls that take a path (import, relink, batch, watch folder) cannot be used to learn which system
// files exist: a path in a system folder is refused in the same words whether there is anything
// there or not (a link to one too), while a path in the user's own folders still gets the plain
// answer the user needs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startLoopbackServer } from '../../src-main/server/http.js';
import { createApp } from '../../src-main/services/app.js';
import { ISBI } from '../helpers/cli.js';
import { loopbackClient } from '../helpers/loopback-client.js';

test('imports by path: system folders refused alike whether the file exists or not; own folders answered plainly', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-paths-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const app = createApp({ dbPath: path.join(dir, 'cases.sqlite'), log: () => undefined });
  const server = await startLoopbackServer({ handlers: app.handlers, events: app.events, pixels: app.pixels });
  t.after(async () => {
    await server.close();
    await app.close();
  });
  const api = loopbackClient(server);
  const answer = async (p: string) => {
    const [r] = await api.call('images.importPaths', { paths: [p], detect: false });
    assert.equal(r.ok, false, `${p} was imported`);
    const e = (r as { error: { code: string; message: string } }).error;
    return { code: e.code, message: e.message.replaceAll(p, '<path>') };
  };

  const existing = ['/etc/passwd', '/etc/hostname', '/proc/self/environ', '/usr/bin/env'].filter((p) => fs.existsSync(p));
  assert.ok(existing.length >= 2, 'this machine has the usual system files');
  const missing = ['/etc/medsapiens-no-such-file', '/proc/self/no-such', '/root/.ssh/id_rsa-none', '/usr/bin/no-such-tool'];
  const link = path.join(dir, 'looks-like-a-film.jpg');
  fs.symlinkSync(existing[0], link);
  const answers = await Promise.all([...existing, ...missing, link].map(answer));
  for (const a of answers) assert.deepEqual(a, answers[0]);
  assert.equal(answers[0].code, 'bad_request');
  assert.match(answers[0].message, /<path> is in a system folder, where no radiograph is imported from/);

  // the other calls that take a path: relinking a case, a batch, the watch folder
  const [film] = await api.call('images.importPaths', { paths: [path.join(ISBI, 'images', '151.jpg')], detect: false });
  const imageId = (film as { imageId: number }).imageId;
  const refusal = async (name: 'images.relink' | 'batch.start' | 'watch.set', p: string) => {
    const req = name === 'images.relink' ? { imageId, path: p } : { folder: p };
    return (await api.refused(name, req)).replaceAll(p, '<path>');
  };
  const folders = ['/etc/ssl', '/usr/share', '/proc/self'].filter((p) => fs.existsSync(p));
  for (const name of ['batch.start', 'watch.set'] as const) {
    const said = await Promise.all([...folders, '/etc/medsapiens-no-such-folder', '/usr/no-such'].map((p) => refusal(name, p)));
    for (const m of said) assert.equal(m, said[0], name);
    assert.match(said[0]!, /is in a system folder/);
  }
  const relinks = await Promise.all([...existing, ...missing].map((p) => refusal('images.relink', p)));
  for (const m of relinks) assert.equal(m, relinks[0]);
  assert.match(relinks[0]!, /is in a system folder/);

  // the user's own folders: a missing file and a text file are told apart, as the user needs
  const own = await answer(path.join(dir, 'no-such.jpg'));
  assert.equal(own.code, 'not_found');
  fs.writeFileSync(path.join(dir, 'notes.jpg'), 'just some notes, not a picture');
  assert.equal((await answer(path.join(dir, 'notes.jpg'))).code, 'not_an_image');
  // and a radiograph anywhere else imports (as 151 did above), a temporary folder under /var included
  assert.equal(film.ok, true, JSON.stringify(film));
  if (fs.existsSync('/var/tmp')) {
    const varTmp = fs.mkdtempSync('/var/tmp/ms-paths-');
    t.after(() => fs.rmSync(varTmp, { recursive: true, force: true }));
    fs.copyFileSync(path.join(ISBI, 'images', '152.jpg'), path.join(varTmp, '152.jpg'));
    const [v] = await api.call('images.importPaths', { paths: [path.join(varTmp, '152.jpg')], detect: false });
    assert.equal(v.ok, true, JSON.stringify(v));
  }
});
