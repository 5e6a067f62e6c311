// Lists the files under a folder for a batch: recursive, sorted, symlinks followed once (a link
// back to an ancestor cannot loop), unreadable folders reported instead of aborting the walk.
import fs from 'node:fs';
import path from 'node:path';

export interface WalkResult {
  files: string[];
  problems: { path: string; message: string }[];
}

const SKIP = /(^|[\\/])(\.|~\$|Thumbs\.db$|desktop\.ini$)/i;

export function walkFolder(root: string): WalkResult {
  const files: string[] = [];
  const problems: WalkResult['problems'] = [];
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
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (SKIP.test(e.name)) continue;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = fs.statSync(p);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (err) {
          problems.push({ path: p, message: `broken link: ${(err as Error).message}` });
          continue;
        }
      }
      if (isDir) visit(p);
      else if (isFile) files.push(path.resolve(p));
    }
  };
  visit(path.resolve(root));
  return { files, problems };
}
