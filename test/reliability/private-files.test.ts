// Patient data is its owner's alone: the case database, its folder, the image library and the
// library's copies, and what the command line writes (exports, reports, and their new folders) are
// created 0600 / 0700, whatever the source file's mode and the process's umask.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../src-main/services/app.js';
import { cli, ISBI } from '../helpers/cli.js';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

test('the database, the image library and its copies are created owner-only, in process and from the command line', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-private-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const source = path.join(root, 'incoming.jpg');
  fs.copyFileSync(path.join(ISBI, 'images', '151.jpg'), source);
  fs.chmodSync(source, 0o644);
  const old = process.umask(0o022);
  t.after(() => process.umask(old));

  const db = path.join(root, 'new', 'data', 'cases.sqlite');
  const app = createApp({ dbPath: db, log: () => undefined });
  try {
    const [r] = await app.handlers['images.importPaths']({ paths: [source], detect: false });
    assert.ok(r.ok, JSON.stringify(r));
  } finally {
    await app.close();
  }
  assert.equal(mode(db), 0o600, 'database file');
  assert.equal(mode(path.dirname(db)), 0o700, 'database folder');
  assert.equal(mode(path.join(root, 'new')), 0o700, 'a parent the app created');
  const library = fs.readdirSync(path.dirname(db)).map((n) => path.join(path.dirname(db), n)).filter((p) => fs.statSync(p).isDirectory());
  assert.ok(library.length >= 1, 'an image library folder beside the database');
  const copies = library.flatMap((dir) => fs.readdirSync(dir).map((n) => path.join(dir, n))).filter((p) => fs.statSync(p).isFile());
  assert.ok(copies.length >= 1, 'the imported file was kept');
  for (const d of library) assert.equal(mode(d), 0o700, d);
  for (const c of copies) assert.equal(mode(c), 0o600, c);

  // the command line: an export into a folder that does not exist yet
  const out = path.join(root, 'exports', 'cases.csv');
  const r = cli(['export', '--db', db, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(mode(out), 0o600, 'export');
  assert.equal(mode(path.dirname(out)), 0o700, 'export folder');
  for (const f of fs.readdirSync(path.dirname(db)).filter((n) => /cases\.sqlite-(wal|shm)$/.test(n))) assert.equal(mode(path.join(path.dirname(db), f)), 0o600, f);
});
