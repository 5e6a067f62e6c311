// Lists what is under a folder for a batch or a watch: recursive, sorted, hidden and system files
// skipped, symlinks followed once (a link back to an ancestor cannot loop; the first path to a
// folder wins, so a file always gets the same path and job row), unreadable folders and broken
// links reported instead of aborting the walk. Bounded: a system folder (the disk's root, /proc,
// C:\Windows ...; system-paths.ts) is refused before it is entered, and a walk stops after so many files or levels,
// saying so, instead of listing a whole disk. The walk's file system calls are asynchronous: a slow
// or huge tree (a network share) never stops the server while it is listed.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { refuseSystemFolder } from './system-paths.js';

export interface WalkLimits {
  maxFiles: number;
  maxDepth: number;
}
export const WALK_LIMITS: WalkLimits = { maxFiles: 200_000, maxDepth: 32 };

export interface WalkResult {
  files: string[];
  /** every folder entered, root included, in walk order */
  folders: string[];
  problems: { path: string; message: string }[];
}

// dot files, Office lock files, Windows thumbnails and settings
const SKIP_NAME = /^(\.|~\$|Thumbs\.db$|desktop\.ini$)/i;

export function isSkippedName(name: string): boolean {
  return SKIP_NAME.test(name);
}

export async function walkFolder(root: string, limits: WalkLimits = WALK_LIMITS): Promise<WalkResult> {
  refuseSystemFolder(root);
  const out: WalkResult = { files: [], folders: [], problems: [] };
  const seen = new Set<string>();
  let full = false;
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (full) return;
    if (depth > limits.maxDepth) {
      out.problems.push({ path: dir, message: `more than ${limits.maxDepth} folders deep: not entered` });
      return;
    }
    let real: string;
    let entries: fs.Dirent[];
    try {
      real = await fsp.realpath(dir);
      if (seen.has(real)) return;
      seen.add(real);
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (e) {
      out.problems.push({ path: dir, message: (e as Error).message });
      return;
    }
    out.folders.push(dir);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (isSkippedName(e.name)) continue;
      const p = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = await fsp.stat(p);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (err) {
          out.problems.push({ path: p, message: `broken link: ${(err as Error).message}` });
          continue;
        }
      }
      if (isDir) await visit(p, depth + 1);
      else if (isFile) {
        if (out.files.length >= limits.maxFiles) {
          full = true;
          out.problems.push({ path: path.resolve(root), message: `more than ${limits.maxFiles} files: the walk stopped there; choose a smaller folder` });
          return;
        }
        out.files.push(path.resolve(p));
      }
      if (full) return;
    }
  };
  await visit(path.resolve(root), 0);
  return out;
}
