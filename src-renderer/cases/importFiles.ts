// Sends files to images.importBytes one at a time (the server runs detection per image and the
// machine may be small), reporting progress and collecting each file's outcome; one bad file
// never stops the others.
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { AppErrorData } from '../../src-shared/errors.js';
import { asAppError } from '../api/envelope.js';
import { perf } from '../perf.js';
import { fileToBase64 } from '../util/files.js';

export type ImportOutcome =
  | { fileName: string; ok: true; imageId: number; duplicate: boolean; warning?: string }
  | { fileName: string; ok: false; error: AppErrorData };

export interface ImportProgress {
  done: number;
  total: number;
  current: string | null;
}

export function displayName(file: File): string {
  return file.webkitRelativePath || file.name;
}

/** Hidden files a folder drop brings along (.DS_Store, ._x) are not images anyone meant. */
export function isHiddenFile(file: File): boolean {
  return displayName(file)
    .split('/')
    .some((part) => part.startsWith('.'));
}

export async function importFiles(api: ApiClient, files: readonly File[], onProgress: (p: ImportProgress) => void): Promise<ImportOutcome[]> {
  const out: ImportOutcome[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const fileName = displayName(file);
    onProgress({ done: i, total: files.length, current: fileName });
    const answered = perf.importStarted(fileName);
    if (file.size === 0) {
      // importBytes cannot even carry an empty payload; say what the server would have said
      answered(null);
      out.push({ fileName, ok: false, error: { code: 'empty', message: `${fileName} is empty (0 bytes)` } });
      continue;
    }
    try {
      const dataBase64 = await fileToBase64(file);
      // the server imports the image even when the model cannot run, and says so in `warning`
      const r = await api['images.importBytes']({ fileName: file.name, dataBase64, detect: true });
      const warning = r.ok ? r.warning : undefined;
      answered(r.ok ? r.imageId : null);
      out.push(r.ok ? { fileName, ok: true, imageId: r.imageId, duplicate: r.duplicate, ...(warning ? { warning } : {}) } : { fileName, ok: false, error: r.error });
    } catch (e) {
      answered(null);
      const err = asAppError(e);
      out.push({ fileName, ok: false, error: { code: err.code, message: err.message } });
    }
  }
  onProgress({ done: files.length, total: files.length, current: null });
  return out;
}
