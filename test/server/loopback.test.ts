// The loopback API with the real services: a real SQLite file, the real model, real images.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLoopbackServer, type LoopbackServer } from '../../src-main/server/http.js';
import { createApp, type App } from '../../src-main/services/app.js';
import { ISBI, DICOM } from '../helpers/cli.js';

let app: App;
let server: LoopbackServer;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-server-'));

before(async () => {
  app = createApp({ dbPath: path.join(tmp, 'cases.sqlite'), log: () => undefined });
  server = await startLoopbackServer({ handlers: app.handlers, events: app.events, pixels: app.pixels });
});
after(async () => {
  await server.close();
  await app.close();
});

function raw(pathname: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

async function call(name: string, body: unknown) {
  const r = await raw(`/api/${name}`, { headers: { 'x-medsapiens-token': server.token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, env: JSON.parse(r.body) };
}

test('binds 127.0.0.1 only', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

test('refuses a missing or wrong token, a foreign Host and a foreign Origin', async () => {
  const body = '{}';
  assert.equal((await raw('/api/system.status', { body })).status, 401);
  assert.equal((await raw('/api/system.status', { body, headers: { 'x-medsapiens-token': 'nope' } })).status, 401);
  assert.equal((await raw('/api/system.status', { body, headers: { 'x-medsapiens-token': server.token, host: `evil.example:${server.port}` } })).status, 403);
  assert.equal((await raw('/api/system.status', { body, headers: { 'x-medsapiens-token': server.token, origin: 'https://evil.example' } })).status, 403);
  const ok = await raw('/api/system.status', { body, headers: { 'x-medsapiens-token': server.token, origin: `http://127.0.0.1:${server.port}` } });
  assert.equal(ok.status, 200);
});

test('bodies are limited per endpoint: 413 for a large body where only JSON is expected (declared or streamed), files may be large', async () => {
  const headers = { 'x-medsapiens-token': server.token, 'content-type': 'application/json' };
  const big = JSON.stringify({ search: 'x'.repeat(2 * 1024 * 1024) });
  const declared = await raw('/api/cases.list', { headers, body: big });
  assert.equal(declared.status, 413);
  assert.equal(JSON.parse(declared.body).error.code, 'too_large');
  // streamed without a length: refused once it passes the limit
  const streamed = await new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: '/api/cases.list', method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < 4 * 1024 * 1024 && req.write(chunk)) sent += chunk.length;
      if (sent < 4 * 1024 * 1024) req.once('drain', () => ((sent += chunk.length), pump()));
      else req.end();
    };
    req.write('{"search":"');
    pump();
  }).catch((e: Error) => (/ECONNRESET|EPIPE/.test(e.message) ? 413 : Promise.reject(e)));
  assert.equal(streamed, 413);
  // the same size as a file upload is read (and refused for what it is, not for its size)
  const upload = await call('images.importBytes', { fileName: 'noise.png', dataBase64: Buffer.alloc(2 * 1024 * 1024, 7).toString('base64') });
  assert.notEqual(upload.status, 413);
  assert.equal(upload.env.ok, true);
  assert.equal(upload.env.value.ok, false);
  // and the server still answers
  assert.equal((await call('system.status', {})).status, 200);
});

test('simultaneous imports from several requests are decoded at most two at a time, the rest queued, all done', async () => {
  const files = ['170', '171', '172', '173', '174', '175'].map((id) => path.join(ISBI, 'images', `${id}.jpg`));
  const seen: { running: number; queued: number; limit: number }[] = [];
  let done = false;
  const polling = (async () => {
    while (!done) {
      const st = (await call('system.status', {})).env.value.imports;
      seen.push(st);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const results = await Promise.all(files.map((f) => call('images.importBytes', { fileName: path.basename(f), dataBase64: fs.readFileSync(f).toString('base64'), detect: true })));
  done = true;
  await polling;
  for (const r of results) assert.equal(r.env.value.ok, true, JSON.stringify(r.env));
  assert.ok(seen.length > 3, 'status was polled during the imports');
  assert.ok(seen.every((s) => s.running <= s.limit && s.limit === 2), JSON.stringify(seen.filter((s) => s.running > s.limit)));
  assert.ok(seen.some((s) => s.queued > 0), 'some imports waited for a turn');
  assert.deepEqual((await call('system.status', {})).env.value.imports, { running: 0, queued: 0, limit: 2 });
});

test('invalid requests are typed bad_request errors', async () => {
  const r = await call('landmarks.move', { setId: 'x' });
  assert.equal(r.status, 400);
  assert.equal(r.env.error.code, 'bad_request');
  const bad = await raw('/api/cases.list', { headers: { 'x-medsapiens-token': server.token }, body: '{not json' });
  assert.equal(bad.status, 400);
});

test('import, detect, move, undo, redo through the API; pixels served; duplicates not re-imported', async () => {
  const bytes = fs.readFileSync(path.join(ISBI, 'images', '151.jpg')).toString('base64');
  const imp = await call('images.importBytes', { fileName: '151 Ä.jpg', dataBase64: bytes });
  assert.equal(imp.status, 200, JSON.stringify(imp.env));
  assert.equal(imp.env.value.ok, true);
  const imageId = imp.env.value.imageId;
  const again = await call('images.importBytes', { fileName: 'copy.jpg', dataBase64: bytes });
  assert.equal(again.env.value.imageId, imageId);
  assert.equal(again.env.value.duplicate, true);

  const c = (await call('cases.get', { imageId })).env.value;
  assert.equal(c.fileName, '151 Ä.jpg');
  assert.equal(c.landmarks.points.length, 19);
  const setId = c.landmarks.setId;
  const sella = c.landmarks.points.find((p: { landmarkId: string }) => p.landmarkId === 'sella');
  const moved = (await call('landmarks.move', { setId, landmarkId: 'sella', x: sella.x + 25, y: sella.y - 10 })).env.value;
  const m = moved.points.find((p: { landmarkId: string }) => p.landmarkId === 'sella');
  assert.deepEqual([m.x, m.y, m.source], [sella.x + 25, sella.y - 10, 'hand']);
  assert.equal(moved.canUndo, true);
  const undone = (await call('landmarks.undo', { setId })).env.value;
  const u = undone.points.find((p: { landmarkId: string }) => p.landmarkId === 'sella');
  assert.deepEqual([u.x, u.y, u.source], [sella.x, sella.y, 'model']);
  const redone = (await call('landmarks.redo', { setId })).env.value;
  assert.equal(redone.points.find((p: { landmarkId: string }) => p.landmarkId === 'sella').x, sella.x + 25);

  const pix = await raw(`/api/images/${imageId}/pixels`, { method: 'GET', headers: { 'x-medsapiens-token': server.token } });
  assert.equal(pix.status, 200);
  assert.equal(pix.headers['x-image-width'], '1935');
  assert.equal(pix.headers['x-image-height'], '2400');

  const list = (await call('cases.list', { search: '151' })).env.value;
  assert.equal(list.length, 1);
  const status = (await call('system.status', {})).env.value;
  assert.equal(status.model.name, 'medsapiens-ceph19');
  assert.match(status.model.provider.description, /CPU|GPU/);
});

test('a DICOM imports with its spacing; a corrupt file is a typed error, not a crash', async () => {
  const r = (await call('images.importPaths', { paths: [path.join(DICOM, 'cr-hip-jpeg-lossless.dcm'), path.join(DICOM, 'bad-mr-without-rows.dcm')] })).env.value;
  assert.equal(r[0].ok, true);
  assert.equal(r[1].ok, false);
  assert.equal(r[1].error.code, 'missing_element');
  const c = (await call('cases.get', { imageId: r[0].imageId })).env.value;
  assert.ok(Math.abs(c.spacing.rowMm - 0.2) < 1e-9);
});

test('an empty set can be created for tracing by hand, once per image', async () => {
  const r = (await call('images.importPaths', { paths: [path.join(ISBI, 'images', '160.jpg')], detect: false })).env.value;
  const imageId = r[0].imageId;
  const set = (await call('landmarks.createSet', { imageId })).env.value;
  assert.equal(set.points.length, 0);
  assert.equal((await call('landmarks.createSet', { imageId })).env.value.setId, set.setId);
  const placed = (await call('landmarks.place', { setId: set.setId, landmarkId: 'upper_incisor_apex', x: 100, y: 200 })).env.value;
  assert.deepEqual(placed.points.map((p: { landmarkId: string; source: string }) => [p.landmarkId, p.source]), [['upper_incisor_apex', 'hand']]);
});
