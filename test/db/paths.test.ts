import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { connectionSettings, createCaseStore, defaultDbPath, openDatabase, resolveDbPath } from '../../src-main/db/index.js';
import { tempDbPath, tempDir } from './helpers.js';
import fs from 'node:fs';

test('default path follows each platform convention', () => {
  assert.equal(defaultDbPath({ platform: 'linux', home: '/home/o', env: {} }), '/home/o/.local/share/MedSapiens/cases.sqlite');
  assert.equal(defaultDbPath({ platform: 'linux', home: '/home/o', env: { XDG_DATA_HOME: '/xdg' } }), '/xdg/MedSapiens/cases.sqlite');
  // a relative XDG_DATA_HOME is invalid per the spec and ignored
  assert.equal(defaultDbPath({ platform: 'linux', home: '/home/o', env: { XDG_DATA_HOME: 'rel' } }), '/home/o/.local/share/MedSapiens/cases.sqlite');
  assert.equal(defaultDbPath({ platform: 'darwin', home: '/Users/o', env: {} }), '/Users/o/Library/Application Support/MedSapiens/cases.sqlite');
  assert.equal(defaultDbPath({ platform: 'win32', home: 'C:\\Users\\o', env: { APPDATA: 'C:\\Users\\o\\AppData\\Roaming' } }), 'C:\\Users\\o\\AppData\\Roaming\\MedSapiens\\cases.sqlite');
  assert.equal(defaultDbPath({ platform: 'win32', home: 'C:\\Users\\o', env: {} }), 'C:\\Users\\o\\AppData\\Roaming\\MedSapiens\\cases.sqlite');
});

test('explicit path beats MEDSAPIENS_DB, which beats the default', () => {
  const ctx = { platform: 'linux' as const, home: '/home/o', env: { MEDSAPIENS_DB: '/tmp/env.sqlite' } };
  assert.equal(resolveDbPath('/tmp/opt.sqlite', ctx), '/tmp/opt.sqlite');
  assert.equal(resolveDbPath(undefined, ctx), '/tmp/env.sqlite');
  assert.equal(resolveDbPath(undefined, { ...ctx, env: {} }), '/home/o/.local/share/MedSapiens/cases.sqlite');
});

test('createCaseStore uses MEDSAPIENS_DB and creates missing folders', (t) => {
  const file = path.join(tempDir(t), 'deep', 'er', 'cases.sqlite');
  const saved = process.env.MEDSAPIENS_DB;
  process.env.MEDSAPIENS_DB = file;
  t.after(() => (saved === undefined ? delete process.env.MEDSAPIENS_DB : (process.env.MEDSAPIENS_DB = saved)));
  const store = createCaseStore();
  t.after(() => store.close());
  assert.equal(store.path, file);
  assert.ok(fs.existsSync(file));
});

test('connections get WAL, synchronous=FULL, foreign keys and a busy timeout', (t) => {
  const db = openDatabase(tempDbPath(t));
  t.after(() => db.close());
  assert.deepEqual(connectionSettings(db), { journalMode: 'wal', synchronous: 2, foreignKeys: 1, busyTimeoutMs: 5000 });
});

test('a file that is not a database is reported as corrupt, not as a crash', (t) => {
  const file = tempDbPath(t);
  fs.writeFileSync(file, 'this is not sqlite, just some text that is long enough to have a header'.repeat(20));
  assert.throws(() => createCaseStore({ path: file }), { name: 'AppError', code: 'corrupt' });
});
