// Electron's session and window lock-down, exercised under plain Node: Electron cannot start on
// these machines, so the objects it would hand to security.ts are stood in for by minimal
// recorders with the same methods. What is checked is the decision for each request, navigation
// and permission; the Playwright _electron test covers the wiring wherever Electron runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserWindow, Session } from 'electron';
import { lockDownSession, lockDownWindow } from '../../src-main/electron/security.js';

test("the session cancels every request that is not the app's own files", () => {
  let onRequest: ((details: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
  let onPermission: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | undefined;
  const session = {
    webRequest: { onBeforeRequest: (fn: typeof onRequest) => (onRequest = fn) },
    setPermissionRequestHandler: (fn: typeof onPermission) => (onPermission = fn),
  } as unknown as Session;
  lockDownSession(session);
  assert.ok(onRequest && onPermission, 'both handlers are installed');

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
  lockDownWindow(win);

  const prevented = (event: string, url?: string) => {
    let p = false;
    handlers.get(event)!({ preventDefault: () => (p = true) }, url);
    return p;
  };
  assert.equal(prevented('will-navigate', 'https://evil.example/'), true);
  assert.equal(prevented('will-navigate', 'http://127.0.0.1:1234/'), true);
  assert.equal(prevented('will-navigate', 'file:///opt/medsapiens/dist/renderer/index.html'), false);
  assert.equal(prevented('will-attach-webview'), true);
  assert.equal(openHandler!({ url: 'https://example.com/' }).action, 'deny');
  assert.equal(openHandler!({ url: 'file:///x.html' }).action, 'deny');
});
