// The CLI prints JSON on stdout, so decoding must print nothing there. OpenJPEG's wasm build
// writes "[INFO] ..." lines on every decode unless its print hooks are replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dicomFile } from './helpers/paths.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'helpers', script), ...args], { encoding: 'utf8', timeout: 60_000 });

test('control: OpenJPEG without our hooks does write to stdout', () => {
  const r = run('openjpeg-unmuted.ts');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\[INFO\]/);
});

test('importing the JPEG 2000 DICOM leaves stdout holding only what the caller printed', () => {
  const r = run('import-and-print.ts', dicomFile('dx-chest-j2k-lossless.dcm'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '{"width":2000,"height":2128,"format":"dicom"}\n');
  assert.doesNotMatch(r.stderr, /\[INFO\]/);
});
