// Where the app never reads images from on a caller's say-so: the system's own folders. A folder
// of radiographs is never the disk's root or /etc; a radiograph is never a file under /etc, /proc
// or C:\Windows. The API is token-guarded on loopback, yet an import's error must not become a way
// to learn which system files exist: a path in a system folder is refused from its name alone,
// before anything is looked up, in words that are the same whether it exists or not.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.js';

// folders that hold the system, never a clinic's images; the virtual ones are refused below too
const SYSTEM_FOLDERS = ['/', '/proc', '/sys', '/dev', '/run', '/boot', '/etc', '/usr', '/bin', '/sbin', '/lib', '/lib64', '/var', '/System', '/Library', '/private', '/Volumes'];
const VIRTUAL = ['/proc', '/sys', '/dev'];
const WINDOWS_SYSTEM = /^[a-z]:\\(windows|program files( \(x86\))?|programdata)?\\?$/i;

// trees no image file is read from (temporary folders under /var excepted: macOS keeps its
// per-user temporary folder there)
const SYSTEM_TREES = ['/proc', '/sys', '/dev', '/run', '/boot', '/etc', '/root', '/usr', '/bin', '/sbin', '/lib', '/lib64', '/var', '/private/etc', '/private/var', '/System'];
const TEMPORARY = ['/var/tmp', '/var/folders', '/private/var/folders', '/private/var/tmp'];
const WINDOWS_TREES = /^[a-z]:\\(windows|program files( \(x86\))?|programdata)\\/i;

/** the path made absolute, and where it really is once links are followed (itself when nothing is
 *  there: what does not exist is the caller's to report, or is judged by its name alone) */
function whereItIs(p: string): { abs: string; real: string } {
  const abs = path.resolve(p);
  try {
    return { abs, real: fs.realpathSync(abs) };
  } catch {
    return { abs, real: abs };
  }
}

const under = (p: string, root: string) => p === root || p.startsWith(`${root}/`);

function inSystemTree(p: string): boolean {
  if (WINDOWS_TREES.test(p)) return true;
  const posix = p.replace(/\/+$/, '');
  if (posix === '' || /^[a-z]:\\?$/i.test(p)) return true; // the disk's root
  return SYSTEM_TREES.some((t) => under(posix, t)) && !TEMPORARY.some((t) => under(posix, t));
}

/** Refuses a folder no batch or watch should walk: a system folder, or anything under a virtual one. */
export function refuseSystemFolder(dir: string): void {
  const { real } = whereItIs(dir);
  const posix = real.replace(/\/+$/, '') || '/';
  const isSystem = SYSTEM_FOLDERS.includes(posix) || VIRTUAL.some((v) => posix.startsWith(`${v}/`)) || WINDOWS_SYSTEM.test(real);
  if (isSystem) throw new AppError('bad_request', `${dir} is a system folder, not a folder of radiographs: choose the folder the images are in`, { path: dir });
}

/** Refuses a path (a file, or a folder to batch or watch) in a system folder, by its name and
 *  (when it exists) by where it really is, with one message either way: whether anything is there
 *  is not told. For paths an API caller names; the command line's user may walk where they like. */
export function refuseSystemPath(file: string): void {
  const { abs, real } = whereItIs(file);
  if (inSystemTree(abs) || inSystemTree(real)) {
    throw new AppError('bad_request', `${file} is in a system folder, where no radiograph is imported from: choose where the images are kept`, { path: file });
  }
}
