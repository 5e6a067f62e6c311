// Each case's image is checked against the hash it was imported with whenever its pixels are read:
// a library copy replaced by another film is "image_changed" (the viewer's pixels, a new detection
// and the PDF refuse; another image is never shown, and the landmarks are left as they were); a file
// gone from the library and from where it came is "image_missing" (HTTP 410), while the case itself
// still opens. Relinking takes the original back (checked by hash; another file is refused), through
// the API or `medsapiens relink`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AppError } from '../../src-shared/errors.js';
import { startLoopbackServer } from '../../src-main/server/http.js';
import { createApp, type App } from '../../src-main/services/app.js';
import { cli, ISBI } from '../helpers/cli.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AppError, String(e));
    return e.code;
  }
  return 'ok';
}

test('a changed or missing image file is a clear state of the case, mended by relinking the original', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-integrity-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const db = path.join(root, 'cases.sqlite');
  const original = path.join(root, 'film.jpg');
  const other = path.join(ISBI, 'images', '152.jpg');
  fs.copyFileSync(path.join(ISBI, 'images', '151.jpg'), original);
  const open = () => createApp({ dbPath: db, log: () => undefined });

  let app: App = open();
  const [r] = await app.handlers['images.importPaths']({ paths: [original], detect: true });
  assert.ok(r.ok, JSON.stringify(r));
  const id = (r as { imageId: number }).imageId;
  const { sha256 } = app.store.getCase(id).image;
  const copy = path.join(app.library.folder, sha256);
  const pointsBefore = app.store.getCase(id).landmarks!.points;
  const good = await app.pixels(id);
  await app.close();

  // another film under the copy's name (and the original moved away): nothing shows it
  fs.copyFileSync(other, copy);
  fs.renameSync(original, `${original}.away`);
  app = open();
  t.after(() => app.close());
  assert.equal(await code(app.pixels(id)), 'image_changed');
  assert.equal(await code(app.handlers['landmarks.detect']({ imageId: id })), 'image_changed');
  assert.equal(await code(app.handlers['reports.create']({ imageId: id, analyses: ['steiner'], format: 'pdf' })), 'image_changed');
  assert.deepEqual(app.store.getCase(id).landmarks!.points, pointsBefore, 'the landmarks are left as they were');

  // relinking: another film is refused, the original is taken back
  assert.equal(await code(app.handlers['images.relink']({ imageId: id, path: other })), 'bad_request');
  await app.handlers['images.relink']({ imageId: id, path: `${original}.away` });
  const back = await app.pixels(id);
  assert.equal(back.width, good.width);
  assert.ok(Buffer.from(back.pixels).equals(Buffer.from(good.pixels)), 'the original pixels again');
  assert.equal(fs.statSync(copy).mode & 0o777, 0o600);
  await app.close();

  // gone from the library and from where it was imported: 410 from the loopback server, the case still opens
  fs.rmSync(copy);
  app = open();
  const server = await startLoopbackServer({ handlers: app.handlers, events: app.events, pixels: app.pixels });
  try {
    const res = await fetch(`${server.url}/api/images/${id}/pixels`, { headers: { 'x-medsapiens-token': server.token } });
    assert.equal(res.status, 410);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'image_missing');
    assert.match(body.error.message, /Re-import the original file, or relink/);
    assert.equal((await app.handlers['cases.get']({ imageId: id })).imageId, id);
  } finally {
    await server.close();
    await app.close();
  }

  // the command line relinks it
  const out = cli(['relink', String(id), `${original}.away`, '--db', db]);
  assert.equal(out.status, 0, out.stderr);
  app = open();
  assert.equal((await app.pixels(id)).width, good.width);
});
