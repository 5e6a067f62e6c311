// `medsapiens report` run in-process through commander on a real case database: a case by id, a
// batch into a folder, bad arguments, and an image file that is imported and detected first.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { AppError } from '../../src-shared/errors.js';
import { registerReport } from '../../src-main/cli/commands/report.js';
import { findModelCard } from '../../src-main/inference/model.js';
import { parseReportJson } from '../../src-main/reports/index.js';
import { buildRealCase, hasPoppler, IDENTIFIERS, ISBI_ROOT, parseCsvBlocks, poppler, tempDir } from './helpers.js';

/** Runs `medsapiens report ...args` in this process (for commands that write only files and stderr). */
async function run(args: string[]): Promise<void> {
  const program = new Command().exitOverride();
  registerReport(program);
  await program.parseAsync(['report', ...args], { from: 'user' });
}

/** Runs it in a child process, as the installed CLI would, to see its stdout and exit code. */
function runChild(args: string[]): { stdout: Buffer; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'cli-driver.ts'), 'report', ...args], { maxBuffer: 64 << 20 });
  return { stdout: r.stdout, stderr: r.stderr.toString('utf8'), status: r.status };
}

test('report CASE --out file.pdf writes the PDF for that case', async (t) => {
  const c = await buildRealCase(t);
  const out = path.join(tempDir(t), 'sub', 'report.pdf');
  await run([String(c.imageId), '--analysis', 'steiner,downs', '--out', out, '--db', c.dbPath]);
  const bytes = fs.readFileSync(out);
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  if (hasPoppler()) {
    const text = poppler('pdftotext', [out, '-']);
    assert.ok(text.includes('Steiner') && text.includes('Downs') && text.includes('Jane Testpatient'));
  }

  // a folder as --out: the report keeps its own name; the format comes from --format
  const dir = tempDir(t);
  await run([String(c.imageId), '-a', 'tweed', '--format', 'json', '--out', dir + path.sep, '--db', c.dbPath]);
  const [name] = fs.readdirSync(dir);
  assert.match(name, /^ceph-report_PID-778899_2024-05-06_img\d+\.json$/);
  assert.equal(parseReportJson(fs.readFileSync(path.join(dir, name), 'utf8')).analyses[0].id, 'tweed');

  // no --out and not a terminal: the report goes to stdout, messages to stderr
  c.store.close();
  const child = runChild([String(c.imageId), '--format', 'csv', '--db', c.dbPath]);
  assert.equal(child.status, 0, child.stderr);
  assert.ok(child.stdout.toString('utf8').startsWith('\uFEFFsection,key,value'));
});

test('report --all --anonymise writes one file per case with landmarks into the folder', async (t) => {
  const c = await buildRealCase(t);
  // a second case, imported without detection: no landmarks, so no report
  c.store.importImageRecord({ sha256: 'b'.repeat(64), sourcePath: path.join(ISBI_ROOT, 'images', '002.jpg'), format: 'jpeg', width: 1935, height: 2400 });
  const dir = path.join(tempDir(t), 'reports');
  c.store.close();
  const child = runChild(['--all', '--anonymise', '--analysis', 'steiner', '--format', 'csv', '--out', dir, '--db', c.dbPath]);
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stderr, /1 of 1 reports written/);
  const stdout = child.stdout.toString('utf8');
  const files = fs.readdirSync(dir);
  assert.deepEqual(files, [`ceph-report_anon_2024_img${c.imageId}.csv`]);
  assert.deepEqual(stdout.trim().split('\n'), [path.join(dir, files[0])]);
  const text = fs.readFileSync(path.join(dir, files[0]), 'utf8');
  assert.deepEqual(IDENTIFIERS.filter((s) => text.includes(s)), []);
  assert.equal(parseCsvBlocks(text)[1].length, 19);

  // errors reach the user as 'code: message' with a failing exit status
  const bad = runChild(['--all', '--analysis', 'nope', '--out', dir, '--db', c.dbPath]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad_request: unknown analysis 'nope'/);
});

test('bad arguments are AppErrors', async (t) => {
  const c = await buildRealCase(t);
  const out = path.join(tempDir(t), 'x.pdf');
  const code = (want: string) => (e: unknown) => e instanceof AppError && e.code === want;
  await assert.rejects(run([String(c.imageId), '--analysis', 'steiner,nope', '--out', out, '--db', c.dbPath]), code('bad_request'));
  await assert.rejects(run(['424242', '--out', out, '--db', c.dbPath]), code('not_found'));
  await assert.rejects(run(['/no/such/file.dcm', '--out', out, '--db', c.dbPath]), code('not_found'));
  await assert.rejects(run([String(c.imageId), '--format', 'docx', '--out', out, '--db', c.dbPath]), code('bad_request'));
  await assert.rejects(run(['--all', '--db', c.dbPath]), code('bad_request'));
  await assert.rejects(run(['--db', c.dbPath]), code('bad_request'));
  assert.equal(fs.existsSync(out), false);
});

let modelMissing: string | false = false;
try {
  findModelCard();
} catch (e) {
  modelMissing = `no model: ${(e as Error).message}`;
}

test('report FILE imports the image, detects its landmarks and reports on the new case', { skip: modelMissing }, async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'cases.sqlite');
  const out = path.join(dir, 'r.json');
  const t0 = performance.now();
  await run([path.join(ISBI_ROOT, 'images', '002.jpg'), '--analysis', 'steiner', '--out', out, '--db', db]);
  t.diagnostic(`import + detect + report: ${(performance.now() - t0).toFixed(0)} ms`);
  const data = parseReportJson(fs.readFileSync(out, 'utf8'));
  assert.equal(data.case.image.fileName, '002.jpg');
  assert.equal(data.landmarks.length, 19);
  assert.ok(data.landmarks.every((l) => l.source === 'model' && l.confidence !== null));
  assert.ok(data.model && data.model.name.length > 0);
  assert.equal(data.calibration.label, 'uncalibrated');
  const sna = data.analyses[0].measures.find((m) => m.id === 'sna')!;
  assert.equal(sna.status, 'ok');
  assert.ok(sna.value! > 60 && sna.value! < 110, `SNA ${sna.value} is anatomically plausible`);
});
