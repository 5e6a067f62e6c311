// A real case for the report tests: a case database on a temp file, the ISBI 2015 image 001
// decoded by the app's importer, the senior annotator's 19 points saved as a model's output
// (two of them with low confidence), one point moved by hand and a ruler of 0.1 mm/px.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { ISBI_LANDMARKS } from '../../src-shared/landmarks.js';
import { createCaseStore, type CaseStore } from '../../src-main/db/store.js';
import { importImage } from '../../src-main/imaging/import.js';
import type { DecodedImage } from '../../src-main/imaging/types.js';
import type { ImportImageInput } from '../../src-main/db/inputs.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const ISBI_ROOT = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'isbi2015');
export const ISBI_IMAGE = path.join(ISBI_ROOT, 'images', '001.jpg');
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'reports');

export const PATIENT = { name: 'Jane Testpatient', externalId: 'PID-778899', birthDate: '1990-04-17', sex: 'F' as const };
export const STUDY = { studyDate: '2024-05-06', description: 'Lateral ceph pre-treatment, Testpatient', studyUid: '1.2.826.0.1.3680043.2.1125.778899' };
export const MODEL = { name: 'test-hrnet-isbi', version: '9.8.7' };
/** landmarks given a confidence below 0.3 */
export const LOW_CONFIDENCE_IDS = ['gonion', 'soft_tissue_pogonion'];
/** the landmark moved by hand, and by how many pixels */
export const MOVED = { id: 'subspinale', dx: 12, dy: -8 };

/** The senior annotator's points of ISBI image `id` ('001'), in original image pixels. */
export function seniorPoints(id: string): { landmarkId: string; x: number; y: number }[] {
  const lines = fs.readFileSync(path.join(ISBI_ROOT, 'senior.csv'), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const row = lines.find((l) => l.split(',')[0] === id);
  if (!row) throw new Error(`no row ${id} in senior.csv`);
  const cells = row.split(',');
  return ISBI_LANDMARKS.map((l, i) => ({
    landmarkId: l.id,
    x: Number(cells[header.indexOf(`x${i + 1}`)]),
    y: Number(cells[header.indexOf(`y${i + 1}`)]),
  }));
}

export function tempDir(t: TestContext, prefix = 'report'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `medsapiens-${prefix}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface RealCase {
  store: CaseStore;
  dbPath: string;
  image: DecodedImage;
  imageId: number;
  setId: number;
}

let decoded: Promise<DecodedImage> | undefined;
/** 001.jpg decoded once per test file (1935 x 2400). */
export function isbiImage(): Promise<DecodedImage> {
  decoded ??= importImage(ISBI_IMAGE);
  return decoded;
}

/** 001.jpg's image row in `store`, for the patient, study and spacing given. */
export function importIsbiRecord(store: CaseStore, image: DecodedImage, who: Pick<ImportImageInput, 'spacing' | 'patient' | 'study'>) {
  return store.importImageRecord({ sha256: image.sha256, sourcePath: image.sourcePath, format: image.format, width: image.width, height: image.height, ...who }).image;
}

export async function buildRealCase(t: TestContext, opts: { ruler?: boolean; landmarks?: boolean } = {}): Promise<RealCase> {
  const dbPath = path.join(tempDir(t, 'report-db'), 'cases.sqlite');
  const store = createCaseStore({ path: dbPath });
  t.after(() => store.close());
  const image = await isbiImage();
  const rec = importIsbiRecord(store, image, { spacing: null, patient: PATIENT, study: STUDY });
  let setId = 0;
  if (opts.landmarks !== false) {
    const points = seniorPoints('001').map((p) => ({ ...p, confidence: LOW_CONFIDENCE_IDS.includes(p.landmarkId) ? 0.12 : 0.93 }));
    setId = store.saveModelLandmarks(rec.id, MODEL.name, MODEL.version, points).set.id;
    const a = points.find((p) => p.landmarkId === MOVED.id)!;
    store.movePoint(setId, MOVED.id, a.x + MOVED.dx, a.y + MOVED.dy);
  }
  // ISBI images are 0.1 mm per pixel: a 100 mm ruler over 1000 px
  if (opts.ruler !== false) store.setRuler(rec.id, { x1: 100, y1: 100, x2: 1100, y2: 100, lengthMm: 100 });
  return { store, dbPath, image, imageId: rec.id, setId };
}

/** Runs a poppler tool; the tests need Debian's poppler-utils. */
export function poppler(tool: 'pdftotext' | 'pdfinfo' | 'pdftoppm' | 'pdfimages', args: string[]): string {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${tool} is not installed (apt-get install poppler-utils): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

export function hasPoppler(): boolean {
  return spawnSync('pdfinfo', ['-v']).error === undefined;
}

/** Every way the test patient could appear in an output. */
export const IDENTIFIERS = [PATIENT.name, 'Testpatient', PATIENT.externalId, '778899', PATIENT.birthDate, '19900417', '17.04.1990', STUDY.studyUid, '001.jpg'];

/** Splits the CSV export into its blocks (see csv-export.ts), each parsed into records. */
export function parseCsvBlocks(text: string): Record<string, string>[][] {
  assertBom(text);
  return text
    .slice(1)
    .split('\r\n\r\n')
    .map((block) => {
      const rows = parseCsvRows(block.trim());
      const [header, ...body] = rows;
      return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
    });
}

function assertBom(text: string): void {
  if (text.charCodeAt(0) !== 0xfeff) throw new Error('CSV export has no byte-order mark');
}

/** RFC 4180 rows: quoted cells may hold commas, quotes ("") and line breaks. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  row.push(cell);
  rows.push(row);
  return rows;
}
