// The Electron shell: a window over the same services the CLI and the loopback server use. All
// logic lives in src-main/services; this file only wires IPC to them and locks the window down.
import path from 'node:path';
import { app as electronApp, BrowserWindow, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { createApp, type App } from '../services/app.js';
import { dispatch } from '../services/dispatch.js';
import { toAppError } from '../../src-shared/errors.js';
import { projectRoot } from '../util/paths.js';
import { privateUmask } from '../util/private-files.js';
import { pathToFileURL } from 'node:url';
import { WEB_PREFERENCES, fromAppFrame, lockDownSession, lockDownWindow } from './security.js';

let services: App | undefined;

const APP_PAGE = path.join(projectRoot(), 'dist', 'renderer', 'index.html');
const APP_URL = pathToFileURL(APP_PAGE).href;
const REFUSED = { ok: false, error: { code: 'bad_request', message: 'refused: the request does not come from the app’s own page' } };

function registerIpc(s: App, win: BrowserWindow): void {
  const fromApp = (e: IpcMainInvokeEvent) => fromAppFrame(e.senderFrame, win.webContents.mainFrame, APP_URL);
  ipcMain.handle('api:pixels', async (e, imageId: unknown) => {
    if (!fromApp(e)) return REFUSED;
    if (typeof imageId !== 'number' || !Number.isInteger(imageId)) return { ok: false, error: { code: 'bad_request', message: 'imageId must be an integer' } };
    try {
      const img = await s.pixels(imageId);
      return { ok: true, value: { width: img.width, height: img.height, pixels: img.pixels } };
    } catch (err) {
      // a missing or changed image file is a state the viewer shows (and offers to relink)
      return { ok: false, error: toAppError(err).toJSON() };
    }
  });
  for (const name of Object.keys(s.handlers)) ipcMain.handle(`api:${name}`, (e, req: unknown) => (fromApp(e) ? dispatch(s.handlers, name, req) : REFUSED));
  s.events.subscribe((ev) => {
    if (!win.isDestroyed()) win.webContents.send('api:event', ev);
  });
}

async function start(): Promise<void> {
  await electronApp.whenReady();
  lockDownSession(session.defaultSession);
  privateUmask();
  services = createApp({ dbPath: process.env.MEDSAPIENS_DB ?? path.join(electronApp.getPath('userData'), 'cases.sqlite'), resumeWatch: true });
  services.model().catch(() => undefined);
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'MedSapiens',
    webPreferences: { ...WEB_PREFERENCES, preload: path.join(projectRoot(), 'dist', 'src-main', 'electron', 'preload.cjs') },
  });
  lockDownWindow(win, APP_URL);
  registerIpc(services, win);
  await win.loadFile(APP_PAGE);
}

electronApp.on('window-all-closed', async () => {
  await services?.close();
  electronApp.quit();
});

start().catch((e) => {
  process.stderr.write(`MedSapiens failed to start: ${(e as Error).stack ?? e}\n`);
  electronApp.exit(1);
});
