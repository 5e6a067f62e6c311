// Electron's session and window lock-down, exercised under plain Node: Electron cannot start on
// these machines, so the objects it would hand to security.ts are stood in for by minimal
// recorders with the same methods. What is checked is the decision for each request, navigation
// and permission; the Playwright _electron test covers the wiring wherever Electron runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserWindow, Session } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { fromAppFrame, isAppPage, lockDownSession, lockDownWindow } from '../../src-main/electron/security.js';
import { projectRoot } from '../../src-main/util/paths.js';

const APP = 'file:///opt/medsapiens/dist/renderer/index.html';

test("the session cancels every request that is not the app's own files", () => {
  let onRequest: ((details: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
  let onPermission: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | undefined;
  let onCheck: ((wc: unknown, permission: string) => boolean) | undefined;
  const session = {
    webRequest: { onBeforeRequest: (fn: typeof onRequest) => (onRequest = fn) },
    setPermissionRequestHandler: (fn: typeof onPermission) => (onPermission = fn),
    setPermissionCheckHandler: (fn: typeof onCheck) => (onCheck = fn),
  } as unknown as Session;
  lockDownSession(session);
  assert.ok(onRequest && onPermission && onCheck, 'the three handlers are installed');
  for (const permission of ['media', 'clipboard-read', 'hid', 'serial', 'usb', 'fullscreen']) assert.equal(onCheck!({}, permission), false, `${permission} check`);

  const cancelled = (url: string) => {
    let answer: boolean | undefined;
    onRequest!({ url }, (r) => (answer = r.cancel));
    assert.notEqual(answer, undefined, `no answer for ${url}`);
    return answer;
  };
  for (const url of [
    'https://example.com/track.gif',
    'http://10.0.0.5/pacs',
    'http://127.0.0.1:8080/api/cases.list', // even loopback: the window speaks IPC, not HTTP
    'ws://localhost:9000/',
    'ftp://files.example.com/x.dcm',
    '//cdn.example.com/lib.js',
    'file://fileserver/share/leak.png', // a network share, not a local file
    'blob:https://example.com/5d1c',
  ]) {
    assert.equal(cancelled(url), true, `${url} must be refused`);
  }
  for (const url of ['file:///opt/medsapiens/dist/renderer/index.html', 'data:image/png;base64,AAAA', 'blob:file:///5d1c', 'blob:null/5d1c', 'devtools://devtools/bundled/inspector.html']) {
    assert.equal(cancelled(url), false, `${url} must load`);
  }
  for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
    let granted: boolean | undefined;
    onPermission!({}, permission, (g) => (granted = g));
    assert.equal(granted, false, `${permission} must be denied`);
  }
});

test('the window neither navigates away nor opens new windows or webviews', () => {
  const handlers = new Map<string, (e: { preventDefault(): void }, url?: string) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const win = {
    webContents: {
      on: (event: string, fn: (e: { preventDefault(): void }, url?: string) => void) => handlers.set(event, fn),
      setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn),
    },
  } as unknown as BrowserWindow;
  lockDownWindow(win, APP);

  const prevented = (event: string, url?: string) => {
    let p = false;
    handlers.get(event)!({ preventDefault: () => (p = true) }, url);
    return p;
  };
  assert.equal(prevented('will-navigate', 'https://evil.example/'), true);
  assert.equal(prevented('will-navigate', 'http://127.0.0.1:1234/'), true);
  assert.equal(prevented('will-navigate', APP), false);
  assert.equal(prevented('will-navigate', `${APP}#token=x`), false);
  // another local file is not the app: a page written by anyone could reach the bridge there
  assert.equal(prevented('will-navigate', 'file:///tmp/evil.html'), true);
  assert.equal(prevented('will-navigate', 'file:///opt/medsapiens/dist/renderer/other.html'), true);
  assert.equal(prevented('will-redirect', 'https://evil.example/'), true);
  assert.equal(prevented('will-attach-webview'), true);
  assert.equal(openHandler!({ url: 'https://example.com/' }).action, 'deny');
  assert.equal(openHandler!({ url: 'file:///x.html' }).action, 'deny');
});

test('IPC is answered only for the app’s page in the window’s top frame', () => {
  const main = { url: `${APP}#case=3` };
  assert.equal(fromAppFrame(main, main, APP), true);
  assert.equal(fromAppFrame({ url: APP }, main, APP), false, 'a sub-frame, even of the app page');
  const led = { url: 'file:///tmp/evil.html' };
  assert.equal(fromAppFrame(led, led, APP), false, 'the top frame led to another page');
  assert.equal(fromAppFrame(null, main, APP), false, 'a frame already gone');
  assert.equal(isAppPage('file://server/opt/medsapiens/dist/renderer/index.html', APP), false);
  assert.equal(isAppPage('not a url', APP), false);
});

test('electron-builder flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; app.asar only, integrity checked; cookies encrypted', () => {
  const cfg = yaml.load(fs.readFileSync(path.join(projectRoot(), 'electron-builder.yml'), 'utf8')) as { electronFuses?: Record<string, boolean>; asar?: boolean };
  assert.deepEqual(cfg.electronFuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
  });
  assert.notEqual(cfg.asar, false, 'the app is packed in app.asar');
});

test('the main process checks the sender of every IPC call', () => {
  const src = fs.readFileSync(path.join(projectRoot(), 'src-main', 'electron', 'main.ts'), 'utf8');
  const handlers = [...src.matchAll(/ipcMain\.handle\([^,]+,\s*(async\s*)?\(e\b[^)]*\)\s*=>\s*[({]?\s*(\n\s*)?(if \(!fromApp\(e\)\)|\(?fromApp\(e\))/g)];
  assert.equal(handlers.length, [...src.matchAll(/ipcMain\.handle\(/g)].length, 'every ipcMain.handle starts with fromApp(e)');
});
