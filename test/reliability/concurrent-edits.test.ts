// Two real clients on one tracing through the loopback server: every edit carries the version it
// was made on, so an edit on a stale version is refused (409, saying what changed and where) and
// moves nothing; undo takes back only the client's own edits, never the other's; a caller that
// names neither (the command line) edits as before. The versions survive a restart of the app.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startLoopbackServer } from '../../src-main/server/http.js';
import { createApp } from '../../src-main/services/app.js';
import { ISBI } from '../helpers/cli.js';
import { loopbackClient } from '../helpers/loopback-client.js';

test('two clients: stale edits refused with the reason, undo per client, old callers unaffected', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-concurrent-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const app = createApp({ dbPath: path.join(dir, 'cases.sqlite'), log: () => undefined });
  const server = await startLoopbackServer({ handlers: app.handlers, events: app.events, pixels: app.pixels });
  t.after(async () => {
    await server.close();
    await app.close();
  });
  const http = loopbackClient(server);
  const [r] = await http.call('images.importPaths', { paths: [path.join(ISBI, 'images', '151.jpg')], detect: true });
  assert.ok(r.ok);
  const imageId = (r as { imageId: number }).imageId;
  const A = { clientId: 'window-a' };
  const B = { clientId: 'window-b' };
  const load = async () => (await http.call('cases.get', { imageId })).landmarks!;
  const at = (set: Awaited<ReturnType<typeof load>>, id: string) => set.points.find((p) => p.landmarkId === id)!;

  const seenByA = await load();
  const seenByB = await load();
  const { setId } = seenByA;
  assert.equal(seenByA.version, 0);
  const sella0 = at(seenByA, 'sella');
  const nasion0 = at(seenByA, 'nasion');

  const afterA = await http.call('landmarks.move', { setId, landmarkId: 'sella', x: sella0.x + 10, y: sella0.y, ...A, baseVersion: seenByA.version });
  assert.ok(afterA.version > 0);

  // B still shows the tracing as it was: its edit is refused, with what changed and where, and moves nothing
  const stale = await http.post('landmarks.move', { setId, landmarkId: 'nasion', x: nasion0.x + 5, y: nasion0.y, ...B, baseVersion: seenByB.version });
  assert.equal(stale.ok, false);
  assert.equal((stale as { error: { code: string } }).error.code, 'conflict');
  assert.match((stale as { error: { message: string } }).error.message, /changed since it was loaded \(sella moved at \d\d:\d\d UTC in another window\): nothing was applied/);
  const raw = await fetch(`${server.url}/api/landmarks.move`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-medsapiens-token': server.token }, body: JSON.stringify({ setId, landmarkId: 'nasion', x: 1, y: 1, ...B, baseVersion: seenByB.version }) });
  assert.equal(raw.status, 409);
  assert.deepEqual(at(await load(), 'nasion'), nasion0);

  // B reloads and edits on the current version
  const reloadedB = await load();
  const afterB = await http.call('landmarks.move', { setId, landmarkId: 'nasion', x: nasion0.x + 5, y: nasion0.y, ...B, baseVersion: reloadedB.version });

  // A's view is stale now: even its undo is refused until it reloads; then the last edit is B's: not A's to undo
  assert.match(await http.refused('landmarks.undo', { setId, ...A, baseVersion: afterA.version }), /changed since it was loaded \(nasion moved/);
  const reloadedA = await load();
  assert.equal(reloadedA.version, afterB.version);
  assert.match(await http.refused('landmarks.undo', { setId, ...A, baseVersion: reloadedA.version }), /last change to this tracing \(nasion moved at .* in another window\) was not made here/);
  assert.equal(at(await load(), 'nasion').x, nasion0.x + 5, 'B’s edit is still there');

  // B undoes its own edit; then A can undo its own
  const undoneB = await http.call('landmarks.undo', { setId, ...B, baseVersion: afterB.version });
  assert.deepEqual(at(undoneB, 'nasion'), nasion0);
  assert.equal(at(undoneB, 'sella').x, sella0.x + 10);
  const undoneA = await http.call('landmarks.undo', { setId, ...A, baseVersion: undoneB.version });
  assert.deepEqual(at(undoneA, 'sella'), sella0);
  // redo is each client's own too
  assert.match(await http.refused('landmarks.redo', { setId, ...B, baseVersion: undoneA.version }), /change to redo \(sella moved .*\) was not made here/);
  const redoneA = await http.call('landmarks.redo', { setId, ...A, baseVersion: undoneA.version });
  assert.equal(at(redoneA, 'sella').x, sella0.x + 10);

  // a caller that names no client and no version (the command line) edits whatever is current
  const cli = await http.call('landmarks.move', { setId, landmarkId: 'menton', x: 900, y: 1900 });
  assert.equal(at(cli, 'menton').x, 900);
  assert.notEqual(cli.version, redoneA.version);
});
