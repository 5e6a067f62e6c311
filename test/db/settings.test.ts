import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCaseStore } from '../../src-main/db/index.js';
import { openStore, rawDb, tempDbPath } from './helpers.js';

test('a setting is written, read back after reopening the file, and cleared', (t) => {
  const file = tempDbPath(t);
  const first = createCaseStore({ path: file });
  assert.equal(first.getSetting('watch.folder'), null);
  first.setSetting('watch.folder', '/srv/xray/incoming');
  first.close();

  const again = openStore(t, file);
  assert.equal(again.getSetting('watch.folder'), '/srv/xray/incoming');
  again.setSetting('watch.folder', null);
  assert.equal(again.getSetting('watch.folder'), null);
});

test('settings are checked on the way in and on the way out', (t) => {
  const file = tempDbPath(t);
  const store = openStore(t, file);
  assert.throws(() => store.setSetting('watch.folder', ''), { code: 'bad_request' });
  assert.throws(() => store.setSetting('watch.folder', 42 as unknown as string), { code: 'bad_request' });
  assert.throws(() => store.getSetting('no.such.key' as 'watch.folder'), { code: 'bad_request' });
  assert.equal(store.getSetting('watch.folder'), null, 'a refused value is not stored');

  // a value this version cannot use (written by a newer one, or by hand) reads as unset
  rawDb(t, file, false).prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('watch.folder', '{"share":"x"}', '2026-01-01T00:00:00Z')`).run();
  assert.equal(store.getSetting('watch.folder'), null);
  // and the file itself refuses what is not JSON at all
  assert.throws(() => rawDb(t, file, false).prepare(`UPDATE settings SET value = 'not json' WHERE key = 'watch.folder'`).run(), /CHECK constraint/);
});
