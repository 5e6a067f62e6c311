// Spreadsheet formula injection: whatever text reaches a CSV (a patient name from a DICOM header, a
// file name, an error message), no cell, read with either separator a spreadsheet may choose (',' or
// the ';' of many locales), starts with = + - @ or a tab/CR. Checked on the cell writer, on the
// report export of a case whose patient and study carry hostile text, and on `detect`'s CSV for a
// file with a hostile name traced by the real model.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { csvCell, toCsv } from '../../src-main/util/csv.js';
import { createReport } from '../../src-main/reports/index.js';
import { createCaseStore } from '../../src-main/db/index.js';
import { cli } from '../helpers/cli.js';
import { importIsbiRecord, isbiImage, ISBI_IMAGE, seniorPoints, tempDir } from './helpers.js';

const HOSTILE = [
  '=1+2',
  '+SUM(A1)',
  '-2+3',
  '@SUM(A1:A2)',
  '\t=1',
  '\r=1',
  '  =HYPERLINK("http://x","y")',
  'Doe;=1+2',
  'Doe,=1+2',
  'Doe; @x',
  'Doe , -1+1',
  'a;b;+c',
  '=cmd|\' /C calc\'!A0',
  'Müller^Jürgen;-x',
];

/** Fields of a CSV text as a spreadsheet splitting on `sep` would see them (quotes honoured). */
function fields(text: string, sep: ',' | ';'): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (ch === sep || ch === '\n') (out.push(cur), (cur = ''));
    else if (ch === '\r' && text[i + 1] === '\n') continue;
    else cur += ch;
  }
  out.push(cur);
  return out;
}

function assertNoFormula(text: string, where: string) {
  for (const sep of [',', ';'] as const) {
    for (const f of fields(text.replace(/^\uFEFF/, ''), sep)) {
      if (/^\s*-?\d+(\.\d+)?(e[+-]?\d+)?\s*$/i.test(f)) continue; // a number, negative ones included
      assert.doesNotMatch(f, /^\s*[=+\-@\t\r]/, `${where}, read with '${sep}': a cell starts a formula: ${JSON.stringify(f)}`);
    }
  }
}

test('the cell writer keeps hostile text as text, read with either separator, and keeps numbers as numbers', () => {
  for (const h of HOSTILE) assertNoFormula(csvCell(h), JSON.stringify(h));
  assertNoFormula(toCsv(HOSTILE.map((h) => ({ name: h, value: -1.5 }))), 'toCsv');
  assert.equal(csvCell(-1.5), '-1.5000');
  assert.equal(csvCell('-1.5'), '-1.5');
  assert.equal(csvCell('plain text'), 'plain text');
  // what was written is still there to read: only an apostrophe is added
  assert.equal(fields(csvCell('Doe;=1+2'), ',')[0], "Doe;'=1+2");
  assert.equal(fields(csvCell('=1+2'), ',')[0], "'=1+2");
});

test('the case report CSV of a patient and study with hostile text has no formula cell', async (t) => {
  const store = createCaseStore({ path: path.join(tempDir(t, 'csv-injection'), 'cases.sqlite') });
  t.after(() => store.close());
  const image = await isbiImage();
  for (const [i, h] of HOSTILE.entries()) {
    const rec = importIsbiRecord(store, { ...image, sha256: `${image.sha256.slice(0, 60)}${String(i).padStart(4, '0')}` }, {
      spacing: null,
      patient: { name: h, externalId: h, birthDate: null, sex: null },
      study: { studyDate: null, description: h, studyUid: `1.2.3.${i}` },
    });
    store.saveModelLandmarks(rec.id, h, '1.0', seniorPoints('001').map((p) => ({ ...p, confidence: 0.9 })));
    const r = await createReport({ case: store.getCase(rec.id), analyses: ['steiner'], format: 'csv', anonymise: false, model: { name: h, version: '1' } });
    const text = r.bytes.toString('utf8');
    assert.ok(text.includes(h.trim().slice(1, 4)), `the name is still in the export: ${h}`);
    assertNoFormula(text, `report of ${JSON.stringify(h)}`);
  }
});

test('detect’s CSV for a file with a hostile name, traced by the real model, has no formula cell', (t) => {
  const dir = tempDir(t, 'csv-injection-detect');
  const file = path.join(dir, '=HYPERLINK("x";"y");-1.jpg');
  fs.copyFileSync(ISBI_IMAGE, file);
  const out = path.join(dir, 'out.csv');
  const r = cli(['detect', file, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const text = fs.readFileSync(out, 'utf8');
  assert.ok(text.split('\n').length >= 20, 'a row per landmark');
  assertNoFormula(text, 'detect CSV');
});
