// Lists what is under a folder for a batch or a watch: recursive, sorted, hidden and system files
// skipped, symlinks followed once (a link back to an ancestor cannot loop; the first path to a
// folder wins, so a file always gets the same path and job row), unreadable folders and broken
// links reported instead of aborting the walk.
import fs from 'node:fs';
import path from 'node:path';

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

export function walkFolder(root: string): WalkResult {
  const out: WalkResult = { files: [], folders: [], problems: [] };
  const seen = new Set<string>();
  const visit = (dir: string) => {
    let real: string;
    let entries: fs.Dirent[];
    try {
      real = fs.realpathSync(dir);
      if (seen.has(real)) return;
      seen.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true });
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
          const st = fs.statSync(p);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (err) {
          out.problems.push({ path: p, message: `broken link: ${(err as Error).message}` });
          continue;
        }
      }
      if (isDir) visit(p);
      else if (isFile) out.files.push(path.resolve(p));
    }
  };
  visit(path.resolve(root));
  return out;
}
