// The folder side of watching: which folders to put a change watch on, which paths to ignore,
// and the stat snapshot that tells whether a file is still being written. The folder listing
// follows the same rules as the batch's walkFolder (sorted, hidden and system files skipped,
// symlinks followed once, the first path to a folder wins), so a file reached through the
// watch has the same path, and therefore the same job row, as the one the batch or a rescan
// finds.
import fs from 'node:fs';
import path from 'node:path';
import { isSkippedName, walkFolder } from './folder-walk.js';

export { isSkippedName };

/** A path under root that the watch ignores: any component skipped by the walk rules. */
export function isSkippedPath(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return true;
  return rel.split(path.sep).some(isSkippedName);
}

/** Every folder under root (root included) in walk order, each real folder once. */
export async function listFolders(root: string): Promise<{ folders: string[]; problems: { path: string; message: string }[] }> {
  const { folders, problems } = await walkFolder(root);
  return { folders, problems };
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** Size and mtime of a regular file (through links), or null when it is gone or not a file. */
export function stampOf(file: string): FileStamp | null {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
  } catch {
    return null;
  }
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Whether the file can be opened for reading now (a writer on Windows may hold it exclusively). */
export function canOpen(file: string): boolean {
  try {
    fs.closeSync(fs.openSync(file, 'r'));
    return true;
  } catch {
    return false;
  }
}
