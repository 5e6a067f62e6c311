// Where the case database lives. One file per user, in the platform's per-user data folder, so
// an upgrade or a re-install of the app never touches the orthodontist's cases.
import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'MedSapiens';
export const DB_FILE_NAME = 'cases.sqlite';

export interface PathContext {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/** The per-user data folder, the same one Electron's app.getPath('userData') would use. */
export function userDataDir(ctx: PathContext = {}): string {
  const env = ctx.env ?? process.env;
  const platform = ctx.platform ?? process.platform;
  const home = ctx.home ?? os.homedir();
  // path.win32 / path.posix so the answer does not depend on the machine running the tests
  if (platform === 'win32') {
    const appData = env.APPDATA || path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, APP_DIR_NAME);
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  // XDG: a relative XDG_DATA_HOME is invalid and must be ignored
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share');
  return path.posix.join(base, APP_DIR_NAME);
}

export function defaultDbPath(ctx: PathContext = {}): string {
  const dir = userDataDir(ctx);
  return (ctx.platform ?? process.platform) === 'win32' ? path.win32.join(dir, DB_FILE_NAME) : path.posix.join(dir, DB_FILE_NAME);
}

/**
 * Explicit option first, then MEDSAPIENS_DB (tests, batch scripts), then the default. The file must
 * be on a local disk: WAL mode needs shared memory between the processes using it, which network
 * file systems do not provide.
 */
export function resolveDbPath(explicit?: string, ctx: PathContext = {}): string {
  const env = ctx.env ?? process.env;
  if (explicit) return path.resolve(explicit);
  if (env.MEDSAPIENS_DB) return path.resolve(env.MEDSAPIENS_DB);
  return defaultDbPath(ctx);
}
