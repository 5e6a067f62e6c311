// Electron hardening, kept apart from the window code so it can be reviewed (and tested) alone.
import type { BrowserWindow, Session, WebFrameMain, WebPreferences } from 'electron';

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

/** Only the app's own files and devtools may load; everything else is refused. A file URL with
 *  a host (file://server/share/...) is a network share: on Windows, loading it opens an SMB
 *  connection that hands the user's credentials to that server. */
export function isLocalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'file:') return u.host === '';
  return u.protocol === 'devtools:';
}

/** What the window may request: its own files, inline data, and blobs it made itself (a page
 *  loaded from a file has the opaque origin "null"). */
export function mayLoad(url: string): boolean {
  if (url.startsWith('data:')) return true;
  if (url.startsWith('blob:')) {
    const inner = url.slice('blob:'.length);
    return inner.startsWith('null/') || isLocalUrl(inner);
  }
  return isLocalUrl(url);
}

export function lockDownSession(session: Session): void {
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !mayLoad(details.url) }));
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // the synchronous check (what a page may query without asking) says no as well
  session.setPermissionCheckHandler(() => false);
}

/** The app's own page, whatever its fragment or query (the renderer keeps state in them). */
export function isAppPage(url: string | undefined, appPage: string): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    const a = new URL(appPage);
    return u.protocol === a.protocol && u.host === a.host && u.pathname === a.pathname;
  } catch {
    return false;
  }
}

/** Whether an IPC message comes from the app's page in the window's top frame: not from a frame
 *  inside it, nor from a page the window was somehow led to. */
export function fromAppFrame(sender: Pick<WebFrameMain, 'url'> | null | undefined, mainFrame: unknown, appPage: string): boolean {
  return !!sender && sender === mainFrame && isAppPage(sender.url, appPage);
}

export function lockDownWindow(win: BrowserWindow, appPage: string): void {
  const stay = (e: { preventDefault(): void }, url: string) => {
    if (!isAppPage(url, appPage)) e.preventDefault();
  };
  win.webContents.on('will-navigate', stay);
  win.webContents.on('will-redirect', stay);
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
}
