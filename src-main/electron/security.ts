// Electron hardening, kept apart from the window code so it can be reviewed (and tested) alone.
import type { BrowserWindow, Session, WebPreferences } from 'electron';

export const WEB_PREFERENCES: WebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
};

/** Only the app's own files (file://) and devtools may load; everything else is refused. */
export function isLocalUrl(url: string): boolean {
  return url.startsWith('file://') || url.startsWith('devtools://');
}

export function lockDownSession(session: Session): void {
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isLocalUrl(details.url) && !details.url.startsWith('data:') && !details.url.startsWith('blob:') }));
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}

export function lockDownWindow(win: BrowserWindow): void {
  win.webContents.on('will-navigate', (e, url) => {
    if (!isLocalUrl(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
}
