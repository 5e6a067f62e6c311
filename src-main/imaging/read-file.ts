// File access with every failure mapped to the error taxonomy, so callers never see raw errno.
import fs from 'node:fs/promises';
import { AppError } from '../../src-shared/errors.js';

function fsError(e: unknown, filePath: string): AppError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new AppError('not_found', `No file at ${filePath}`, { path: filePath });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError('unreadable', `Permission denied reading ${filePath}`, { path: filePath, errno: code });
  }
  if (code === 'EISDIR') {
    return new AppError('unreadable', `${filePath} is a folder, not an image file`, { path: filePath });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('unreadable', `Cannot read ${filePath}: ${message}`, { path: filePath, errno: code });
}

/** What identifies one version of a file's content without reading it again: a reader that opens
 *  the file a second time (jpeg-reduced.ts) compares it before and after. */
export interface FileVersion {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
}

function versionOf(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number; dev: number }): FileVersion {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, dev: st.dev };
}

/** The file's version now, or undefined where it can no longer be stat'ed. */
export async function currentVersion(filePath: string): Promise<FileVersion | undefined> {
  try {
    return versionOf(await fs.stat(filePath));
  } catch {
    return undefined;
  }
}

export function sameVersion(a: FileVersion | undefined, b: FileVersion | undefined): boolean {
  return !!a && !!b && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino && a.dev === b.dev;
}

/** Stats the path and refuses anything that is not a non-empty regular file within maxBytes. */
export async function statImageFile(filePath: string, maxBytes: number): Promise<number> {
  return (await statImage(filePath, maxBytes)).size;
}

async function statImage(filePath: string, maxBytes: number): Promise<FileVersion> {
  let st;
  try {
    st = await fs.stat(filePath);
  } catch (e) {
    throw fsError(e, filePath);
  }
  if (st.isDirectory()) {
    throw new AppError('unreadable', `${filePath} is a folder, not an image file`, { path: filePath });
  }
  // Devices and pipes could block or never end.
  if (!st.isFile()) throw new AppError('unreadable', `${filePath} is not a regular file`, { path: filePath });
  if (st.size === 0) throw new AppError('empty', `${filePath} is empty (0 bytes)`, { path: filePath });
  if (st.size > maxBytes) {
    throw new AppError('too_large', `${filePath} is ${(st.size / 2 ** 20).toFixed(0)} MiB; the limit is ${(maxBytes / 2 ** 20).toFixed(0)} MiB`, {
      path: filePath,
      fileSize: st.size,
    });
  }
  return versionOf(st);
}

/** The whole file, and the version stat'ed just before it was read. */
export async function readWholeFile(filePath: string, maxBytes: number): Promise<{ bytes: Buffer; version: FileVersion }> {
  const version = await statImage(filePath, maxBytes);
  try {
    const bytes = await fs.readFile(filePath);
    // The file may have been truncated to nothing between stat and read.
    if (bytes.length === 0) throw new AppError('empty', `${filePath} is empty (0 bytes)`, { path: filePath });
    return { bytes, version };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw fsError(e, filePath);
  }
}

/** The first `n` bytes (fewer if the file is shorter), for sniffing and header-only probes. */
export async function readHead(filePath: string, n: number): Promise<Buffer> {
  let handle;
  try {
    handle = await fs.open(filePath, 'r');
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } catch (e) {
    throw fsError(e, filePath);
  } finally {
    await handle?.close();
  }
}
