// The preload bridge exposes exactly the API's capabilities (it cannot import the contract, being
// sandboxed, so the two lists are compared here), and the window settings stay locked down.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { API } from '../../src-shared/api/contract.js';
import { projectRoot } from '../../src-main/util/paths.js';

test('preload methods == API capabilities', () => {
  const src = fs.readFileSync(path.join(projectRoot(), 'src-main', 'electron', 'preload.cts'), 'utf8');
  const list = src.match(/const METHODS = \[([\s\S]*?)\] as const/)![1];
  const methods = [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(methods, Object.keys(API).sort());
  assert.doesNotMatch(src, /exposeInMainWorld\([^)]*ipcRenderer\b/, 'raw ipcRenderer must never be exposed');
});

test('window preferences: context isolation, sandbox, no node integration; only local URLs load', async () => {
  // security.ts imports only types from electron, so it loads under plain Node
  const { WEB_PREFERENCES, isLocalUrl } = await import('../../src-main/electron/security.js');
  assert.equal(WEB_PREFERENCES.contextIsolation, true);
  assert.equal(WEB_PREFERENCES.sandbox, true);
  assert.equal(WEB_PREFERENCES.nodeIntegration, false);
  assert.equal(WEB_PREFERENCES.webviewTag, false);
  assert.equal(isLocalUrl('file:///app/index.html'), true);
  assert.equal(isLocalUrl('https://example.com/'), false);
  assert.equal(isLocalUrl('http://127.0.0.1:8080/'), false);
  assert.equal(isLocalUrl('file://server/share/x.html'), false);
});
