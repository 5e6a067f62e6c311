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

/** Stats the path and refuses anything that is not a non-empty regular file within maxBytes. */
export async function statImageFile(filePath: string, maxBytes: number): Promise<number> {
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
  return st.size;
}

export async function readWholeFile(filePath: string, maxBytes: number): Promise<Buffer> {
  await statImageFile(filePath, maxBytes);
  try {
    const bytes = await fs.readFile(filePath);
    // The file may have been truncated to nothing between stat and read.
    if (bytes.length === 0) throw new AppError('empty', `${filePath} is empty (0 bytes)`, { path: filePath });
    return bytes;
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
