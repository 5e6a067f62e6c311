// Anonymised reports, every format: no patient name, patient ID, birth date (nor the study UID
// or the original file name) anywhere: not in the bytes, not in the PDF's decompressed content
// streams, the text poppler extracts or its metadata, not in the file name. The same searches
// run on the non-anonymised report first, to show they would find the values.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { anonymiseReport, buildReportData, createReport, identifiersOf, parseReportJson, REDACTED } from '../../src-main/reports/index.js';
import { buildRealCase, hasPoppler, IDENTIFIERS, MODEL, parseCsvBlocks, PATIENT, poppler, STUDY, tempDir } from './helpers.js';

const ANALYSES = ['steiner', 'downs'];

/** Everything readable in a PDF: the raw bytes, each inflated stream, and the hex strings in them. */
function pdfTexts(bytes: Buffer): string[] {
  const raw = bytes.toString('latin1');
  const out = [raw];
  // each stream's dictionary gives its length, so binary data (the JPEG) is skipped, not scanned
  const re = /<<((?:(?!<<|>>)[^])*)>>\s*stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    const length = Number(/\/Length (\d+)/.exec(m[1])?.[1]);
    const start = m.index + m[0].length;
    if (!Number.isFinite(length)) continue;
    re.lastIndex = start + length;
    if (!/\/FlateDecode/.test(m[1])) continue;
    const inflated = zlib.inflateSync(bytes.subarray(start, start + length)).toString('latin1');
    out.push(inflated);
    // pdfkit writes text as hex strings of WinAnsi codes, e.g. [<4a616e65> 0] TJ
    out.push([...inflated.matchAll(/<([0-9a-fA-F\s]+)>/g)].map((h) => Buffer.from(h[1].replace(/\s/g, ''), 'hex').toString('latin1')).join(''));
  }
  return out;
}

function found(texts: string[], needles: string[]): string[] {
  return needles.filter((n) => texts.some((t) => t.toLowerCase().includes(n.toLowerCase())));
}

test('anonymised PDF: no identifier in bytes, content streams, extracted text, metadata or file name', { skip: hasPoppler() ? false : 'no poppler-utils' }, async (t) => {
  const c = await buildRealCase(t);
  const detail = c.store.getCase(c.imageId);
  const dir = tempDir(t);
  const make = (anonymise: boolean) => createReport({ case: detail, image: c.image, analyses: ANALYSES, format: 'pdf', anonymise, model: MODEL });

  // positive control: the searches see the identifiers in a normal report
  const plain = await make(false);
  const plainFile = path.join(dir, 'plain.pdf');
  fs.writeFileSync(plainFile, plain.bytes);
  const plainText = poppler('pdftotext', [plainFile, '-']);
  const plainInfo = poppler('pdfinfo', [plainFile]);
  assert.deepEqual(found(pdfTexts(plain.bytes), [PATIENT.name, PATIENT.externalId, PATIENT.birthDate]), [PATIENT.name, PATIENT.externalId, PATIENT.birthDate]);
  assert.ok(plainText.includes(PATIENT.name) && plainInfo.includes(PATIENT.name));

  const anon = await make(true);
  const file = path.join(dir, 'anon.pdf');
  fs.writeFileSync(file, anon.bytes);
  const text = poppler('pdftotext', [file, '-']);
  const info = poppler('pdfinfo', [file]);
  assert.deepEqual(found([...pdfTexts(anon.bytes), text, info, anon.fileName], IDENTIFIERS), []);
  assert.match(anon.fileName, /^ceph-report_anon_2024-05-06_img\d+\.pdf$/);

  // still a useful report: sex, study, model, calibration, values, flags
  assert.match(text, /anonymised/);
  assert.match(info, /Title:\s+Cephalometric report \(anonymised\)/);
  for (const s of ['Sex', 'F', STUDY.studyDate, 'Lateral ceph pre-treatment', `${MODEL.name} ${MODEL.version}`, 'ruler 0.100 mm/px', 'SNA', 'Steiner', 'hand-placed']) {
    assert.ok(text.includes(s), `anonymised report still shows ${s}`);
  }
  assert.ok(!/Birth date|Patient ID/.test(text));
  assert.ok(text.includes(`Lateral ceph pre-treatment, ${REDACTED}`), 'the name inside the description is blanked');
});

test('anonymised CSV and JSON: identifiers gone, sex and study kept, values unchanged', async (t) => {
  const c = await buildRealCase(t);
  const detail = c.store.getCase(c.imageId);
  const base = { case: detail, analyses: ANALYSES, anonymise: true, model: MODEL, generatedAt: new Date('2025-02-03T10:20:00Z') };

  const csv = await createReport({ ...base, format: 'csv' });
  const csvText = csv.bytes.toString('utf8');
  assert.deepEqual(found([csvText, csv.fileName], IDENTIFIERS), []);
  const [caseRows, landmarks, measures] = parseCsvBlocks(csvText);
  const kv = Object.fromEntries(caseRows.map((r) => [r.key, r.value]));
  assert.deepEqual([kv.patient_name, kv.patient_id, kv.birth_date, kv.study_uid, kv.image_file], ['', '', '', '', '']);
  assert.deepEqual([kv.sex, kv.study_date, kv.anonymised], ['F', STUDY.studyDate, 'true']);
  assert.equal(landmarks.length, 19);

  const json = await createReport({ ...base, format: 'json' });
  const jsonText = json.bytes.toString('utf8');
  assert.deepEqual(found([jsonText, json.fileName], IDENTIFIERS), []);
  const data = parseReportJson(jsonText);
  assert.equal(data.anonymised, true);
  assert.deepEqual(data.case.patient, { name: null, id: null, birthDate: null, sex: 'F' });
  assert.deepEqual(data.case.study, { date: STUDY.studyDate, description: `Lateral ceph pre-treatment, ${REDACTED}`, uid: null });
  assert.equal(data.case.image.fileName, null);

  // the numbers are those of the full report
  const full = parseReportJson((await createReport({ ...base, anonymise: false, format: 'json' })).bytes.toString('utf8'));
  assert.deepEqual(data.analyses, full.analyses);
  assert.deepEqual(data.landmarks, full.landmarks);
  assert.equal(measures.length, full.analyses.reduce((n, a) => n + a.measures.length, 0));
});

test('identifiers are blanked in free text as whole words only', () => {
  const ids = identifiersOf({ name: 'DOE^John', id: '42', birthDate: '1980-01-02', sex: 'M' });
  assert.ok(ids.includes('DOE') && ids.includes('John') && ids.includes('02.01.1980') && ids.includes('19800102'));
  const c = {
    patient: { name: 'DOE^John', id: '42', birthDate: '1980-01-02', sex: 'M' as const },
    study: { date: '2024-01-01', description: 'ceph of john doe (42), born 02.01.1980; 420 mA', uid: '1.2' },
  };
  // build the smallest report model around it
  const data = {
    ...buildReportDataStub(),
    case: { ...c, image: { imageId: 1, fileName: 'DOE_JOHN.dcm', format: 'dicom', width: 10, height: 10, orientation: 'facing-right' as const } },
  };
  const a = anonymiseReport(data);
  assert.equal(a.case.study.description, `ceph of ${REDACTED} ${REDACTED} (${REDACTED}), born ${REDACTED}; 420 mA`);
  assert.equal(a.case.image.fileName, null);
  assert.equal(a.case.patient.sex, 'M');
});

function buildReportDataStub(): ReturnType<typeof buildReportData> {
  return {
    format: 'medsapiens-report',
    schemaVersion: 1,
    generatedAt: '2025-01-01T00:00:00+00:00',
    anonymised: false,
    case: {
      patient: { name: null, id: null, birthDate: null, sex: null },
      study: { date: null, description: null, uid: null },
      image: { imageId: 1, fileName: null, format: 'png', width: 10, height: 10, orientation: 'facing-right' },
    },
    model: null,
    landmarkSet: { id: 1, createdAt: '2025-01-01T00:00:00Z', edited: false },
    calibration: { source: 'none', mmPerPixel: null, rowMm: null, colMm: null, label: 'uncalibrated', note: null },
    landmarks: [],
    analyses: [],
    flags: [],
    disclaimer: '',
  };
}
