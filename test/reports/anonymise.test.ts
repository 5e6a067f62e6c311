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
import { createCaseStore } from '../../src-main/db/index.js';
import { buildRealCase, hasPoppler, IDENTIFIERS, importIsbiRecord, isbiImage, MODEL, parseCsvBlocks, PATIENT, poppler, seniorPoints, STUDY, tempDir } from './helpers.js';

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
  assert.match(anon.fileName, /^ceph-report_anon_2024_img\d+\.pdf$/);

  // still a useful report: sex, study, model, calibration, values, flags
  assert.match(text, /anonymised/);
  assert.match(info, /Title:\s+Cephalometric report \(anonymised\)/);
  for (const s of ['Sex', 'F', 'Study year', STUDY.studyDate.slice(0, 4), 'Lateral ceph pre-treatment', `${MODEL.name} ${MODEL.version}`, 'ruler 0.100 mm/px', 'SNA', 'Steiner', 'hand-placed']) {
    assert.ok(text.includes(s), `anonymised report still shows ${s}`);
  }
  assert.ok(!/Birth date|Patient ID/.test(text));
  assert.ok(!text.includes(STUDY.studyDate), 'the study date is kept to its year');
  assert.match(text.replace(/\s+/g, ' '), /Text burnt into the radiograph itself is not removed/);
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
  assert.deepEqual([kv.sex, kv.study_date, kv.anonymised, kv.generated_at], ['F', STUDY.studyDate.slice(0, 4), 'true', '2025']);
  assert.equal(landmarks.length, 19);

  const json = await createReport({ ...base, format: 'json' });
  const jsonText = json.bytes.toString('utf8');
  assert.deepEqual(found([jsonText, json.fileName], IDENTIFIERS), []);
  const data = parseReportJson(jsonText);
  assert.equal(data.anonymised, true);
  assert.deepEqual(data.case.patient, { name: null, id: null, birthDate: null, sex: 'F' });
  assert.deepEqual(data.case.study, { date: STUDY.studyDate.slice(0, 4), description: `Lateral ceph pre-treatment, ${REDACTED}`, uid: null });
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

/** Names as DICOM and clinics write them: groups (alphabetic=ideographic=phonetic), components of
 *  any length, hyphens and apostrophes, initials; each with dates written into the description. */
const HOSTILE = [
  { name: "O'Brien-Smith^Mary-Jane^^Dr.^III", id: 'PAT/0042', description: "Ceph Mary Jane O'Brien-Smith, taken 06.05.2024 (booked May 6, 2024), prev. 2023-11-30", parts: ["O'Brien-Smith", 'Brien', 'Smith', 'Mary', 'Jane', 'III'] },
  { name: 'Wu^Li', id: 'ZX-7781', description: 'li wu ceph 5/6/2024, recall 6 May 2025', parts: ['Wu', 'Li'] },
  { name: 'Yamada^Tarou=山田^太郎=やまだ^たろう', id: 'JP-77-1', description: '山田太郎 セファロ 20240506; やまだ たろう; Tarou YAMADA', parts: ['Yamada', 'Tarou', '山田', '太郎', 'やまだ', 'たろう'] },
  { name: 'Ng^X', id: 'QA-1R', description: 'X. Ng — follow-up Dec 2024, born 1999/01/02', parts: ['Ng'] },
  { name: 'Åse^Ærø Øster', id: 'NO-1', description: 'ÅSE ÆRØ ØSTER, 2024.05.06', parts: ['Åse', 'Ærø', 'Øster'] },
];

/** a date more precise than a year, in any of the forms above */
const MONTHS = '(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\\.?';
const PRECISE_DATE = [
  /\d{4}[-./]\d{1,2}[-./]\d{1,2}/,
  /\d{1,2}[-./]\d{1,2}[-./]\d{4}/,
  /(?<!\d)(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)/,
  new RegExp(`\\b\\d{1,2}(st|nd|rd|th)?\\s+${MONTHS}\\b`, 'i'),
  new RegExp(`\\b${MONTHS}\\s+\\d{1,2}\\b`, 'i'),
  new RegExp(`\\b${MONTHS}\\s+\\d{4}`, 'i'),
];

const wholeWord = (text: string, word: string) => new RegExp(`(?<![\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'iu').test(text);

test('a corpus of hostile names and dates: no name component, identifier or date beyond the year in any anonymised format or file name', { skip: hasPoppler() ? false : 'no poppler-utils' }, async (t) => {
  const dir = tempDir(t, 'anon-hostile');
  const store = createCaseStore({ path: path.join(dir, 'cases.sqlite') });
  t.after(() => store.close());
  const image = await isbiImage();
  for (const [i, h] of HOSTILE.entries()) {
    const rec = importIsbiRecord(store, { ...image, sha256: `${image.sha256.slice(0, 60)}${String(i).padStart(4, '0')}`, sourcePath: path.join(dir, `${h.name.replace(/\W+/g, '_')}.jpg`) }, {
      spacing: null,
      patient: { name: h.name, externalId: h.id, birthDate: '1999-01-02', sex: 'F' },
      study: { studyDate: '2024-05-06', description: h.description, studyUid: `1.2.826.0.1.3680043.10.555.${i}` },
    });
    const setId = store.saveModelLandmarks(rec.id, MODEL.name, MODEL.version, seniorPoints('001').map((p) => ({ ...p, confidence: 0.9 }))).set.id;
    store.setReviewed(setId, true);
    const detail = store.getCase(rec.id);
    for (const dates of ['year', 'none'] as const) {
      const texts: string[] = [];
      for (const format of ['pdf', 'csv', 'json'] as const) {
        const r = await createReport({ case: detail, image, analyses: ['steiner'], format, anonymise: true, anonymiseDates: dates, model: MODEL });
        texts.push(r.fileName);
        if (format === 'pdf') {
          const file = path.join(dir, `r${i}.pdf`);
          fs.writeFileSync(file, r.bytes);
          // the PDF format needs a creation date: an anonymised one says January 1st of its year
          const info = poppler('pdfinfo', ['-isodates', file]);
          assert.match(info, /CreationDate:\s+2\d{3}-01-01T00:00:00/);
          texts.push(poppler('pdftotext', [file, '-']), info.replace(/^(CreationDate|ModDate):.*$/gm, ''));
          // names also in the raw and inflated streams (dates are not searched there: image data holds any digits)
          const streams = pdfTexts(r.bytes).join(' ');
          for (const part of [...h.parts, h.id].filter((p) => p.length >= 4)) assert.ok(!wholeWord(streams, part), `${h.name}: '${part}' in the PDF's streams`);
        } else texts.push(r.bytes.toString('utf8'));
      }
      const all = texts.join('\n');
      for (const part of [...h.parts, h.id]) assert.ok(!wholeWord(all, part), `${h.name} (${dates}): '${part}' is in an anonymised export`);
      for (const re of PRECISE_DATE) assert.doesNotMatch(all, re, `${h.name} (${dates}): a date beyond the year`);
      // the study date: its year, or nothing
      assert.match(all, dates === 'none' ? /study_date,\r?\n/ : /study_date,2024\r?\n/);
      assert.match(all.replace(/\s+/g, ' '), /Text burnt into the radiograph/);
    }
  }
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
