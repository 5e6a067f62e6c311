// Where the shared test data live (../shared from the repository root) and small file helpers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SHARED = path.resolve(repoRoot, '..', 'shared');
export const DICOM_DIR = path.join(SHARED, 'data', 'dicom');
export const ISBI_DIR = path.join(SHARED, 'data', 'isbi2015', 'images');
export const FIXTURES = path.join(repoRoot, 'test', 'imaging', 'fixtures');

export const dicomFile = (name: string) => path.join(DICOM_DIR, name);
export const fixture = (name: string) => path.join(FIXTURES, name);

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `medsapiens-${prefix}-`));
}
