// The folder side of watching: which folders to put a change watch on, which paths to ignore,
// and the stat snapshot that tells whether a file is still being written. The folder listing
// follows the same rules as the batch's walkFolder (sorted, hidden and system files skipped,
// symlinks followed once, the first path to a folder wins), so a file reached through the
// watch has the same path, and therefore the same job row, as the one the batch or a rescan
// finds.
import fs from 'node:fs';
import path from 'node:path';

// the same names walkFolder skips: dot files, Office lock files, Windows thumbnails/settings
const SKIP_NAME = /^(\.|~\$|Thumbs\.db$|desktop\.ini$)/i;

export function isSkippedName(name: string): boolean {
  return SKIP_NAME.test(name);
}

/** A path under root that the watch ignores: any component skipped by the walk rules. */
export function isSkippedPath(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return true;
  return rel.split(path.sep).some(isSkippedName);
}

/** Every folder under root (root included) in walk order, each real folder once. */
export function listFolders(root: string): { folders: string[]; problems: { path: string; message: string }[] } {
  const folders: string[] = [];
  const problems: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  const visit = (dir: string) => {
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch (e) {
      problems.push({ path: dir, message: (e as Error).message });
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push({ path: dir, message: (e as Error).message });
      return;
    }
    folders.push(dir);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (isSkippedName(e.name)) continue;
      const p = path.join(dir, e.name);
      let isDir = e.isDirectory();
      if (e.isSymbolicLink()) {
        try {
          isDir = fs.statSync(p).isDirectory();
        } catch {
          continue; // broken link: the file walk reports it
        }
      }
      if (isDir) visit(p);
    }
  };
  visit(path.resolve(root));
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
