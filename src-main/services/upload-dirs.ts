// Bytes a browser sends (an upload, a file to relink) are written to a private temporary folder for
// the readers that take paths, and removed when the request ends; folders left by a crash are
// removed when the app next starts, so no radiograph lingers in the system's temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'medsapiens-upload-';

/** A new private folder (mkdtemp makes it 0700) for one request's file. */
export function makeUploadDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
}

/** Removes upload folders older than `maxAgeMs` (another instance may be using a recent one). */
export function removeStaleUploadDirs(maxAgeMs = 60 * 60 * 1000, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(os.tmpdir());
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      const st = fs.lstatSync(dir);
      if (!st.isDirectory() || st.uid !== process.getuid?.() || now - st.mtimeMs < maxAgeMs) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}
