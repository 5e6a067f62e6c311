// Files and folders that hold patient data (the case database, the image library, reports,
// uploads, clinic models) are created readable by their owner only: 0600 files, 0700 folders.
// Written through a temporary file and a rename, so a crash never leaves half a file under the name.
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates the folder (and missing parents) owner-only; an existing folder is left as it is. */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

export function writePrivateFile(file: string, data: string | Uint8Array): void {
  makePrivateDir(path.dirname(path.resolve(file)));
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  fs.writeFileSync(tmp, data, { mode: PRIVATE_FILE_MODE });
  fs.renameSync(tmp, file);
}

export function copyPrivateFile(from: string, to: string): void {
  makePrivateDir(path.dirname(path.resolve(to)));
  const tmp = `${to}.tmp-${process.pid}-${Date.now()}`;
  fs.copyFileSync(from, tmp);
  // copyFile keeps the source's mode
  fs.chmodSync(tmp, PRIVATE_FILE_MODE);
  fs.renameSync(tmp, to);
}

/** What a process that writes patient data sets first: whatever else it creates (SQLite's
 *  journal files, a child's outputs) is owner-only too. */
export function privateUmask(): void {
  process.umask(0o077);
}
