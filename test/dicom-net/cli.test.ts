// The DICOM networking commands as a user runs them: `pacs send --out` writes an SR dsrdump reads
// and an Encapsulated PDF, `pacs echo` against nothing says so, and `bench-dicom` sends real
// files with storescu and reports figures.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { cephalogramDicom, freePort } from './helpers.js';

test('pacs send --out, pacs echo to nothing, bench-dicom', { timeout: 180_000 }, async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-dicom-cli-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const db = path.join(tmp, 'cases.sqlite');
  const films = [await cephalogramDicom(tmp, '006', 6), await cephalogramDicom(tmp, '007', 7)];
  const imported = cli(['import', '--db', db, films[0]!]);
  assert.equal(imported.status, 0, imported.stderr);

  const out = path.join(tmp, 'out');
  const sent = cli(['pacs', 'send', '--db', db, '--image', '1', '--analyses', 'steiner,downs', '--out', out]);
  assert.equal(sent.status, 0, sent.stderr);
  const files: string[] = JSON.parse(sent.stdout);
  assert.deepEqual(files.map((f) => path.basename(f).split('-')[0]), ['sr', 'pdf']);
  const dump = execFileSync('dsrdump', [files[0]!], { encoding: 'utf8' });
  assert.match(dump, /Patient\s+: Store\^Anna6 \(#DS-6\)/);
  assert.match(dump, /Tracking Identifier"\)="Downs/);
  execFileSync('dcm2pdf', [files[1]!, path.join(tmp, 'r.pdf')]);
  assert.equal(fs.readFileSync(path.join(tmp, 'r.pdf')).subarray(0, 5).toString(), '%PDF-');

  const down = cli(['pacs', 'echo', '--db', db, '--pacs', `NOBODY@127.0.0.1:${await freePort()}`]);
  assert.equal(down.status, 2);
  assert.match(down.stderr, /unreachable: the PACS NOBODY at 127\.0\.0\.1:\d+ cannot be reached: nothing answers on that port/);
  assert.match(cli(['pacs', 'echo', '--pacs', 'NOBODY']).stderr, /--pacs takes AET@host:port/);

  const bench = cli(['bench-dicom', ...films, '--json', path.join(tmp, 'bench.json')]);
  assert.equal(bench.status, 0, bench.stderr);
  const figures = JSON.parse(fs.readFileSync(path.join(tmp, 'bench.json'), 'utf8'));
  assert.equal(figures.images, 2);
  assert.ok(figures.images_received_per_second > 0 && figures.all_traced_seconds >= figures.store_seconds, JSON.stringify(figures));
});
