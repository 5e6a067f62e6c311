// A batch over a clinic's folder says, per image, what the checks found, and counts it: a chest
// film refused, a mirrored and a turned cephalogram straightened, flagged points. Real CLI, real
// database file, real model.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { cli, DICOM, ISBI, SHARED } from '../helpers/cli.js';

test('batch JSON and CSV carry each image check, radii and flags; the summary counts them', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-batch-checks-'));
  const folder = path.join(tmp, 'in');
  fs.mkdirSync(folder);
  fs.copyFileSync(path.join(ISBI, 'images', '151.jpg'), path.join(folder, 'upright.jpg'));
  await sharp(path.join(ISBI, 'images', '152.jpg')).flop().jpeg({ quality: 95 }).toFile(path.join(folder, 'mirrored.jpg'));
  await sharp(path.join(SHARED, 'hamedan-dev', 'images', '004.tif')).rotate(270).png().toFile(path.join(folder, 'turned.png'));
  fs.copyFileSync(path.join(DICOM, 'cr-hip-jpeg-lossy.dcm'), path.join(folder, 'hip.dcm'));
  const db = path.join(tmp, 'cases.sqlite');

  const json = path.join(tmp, 'out.json');
  const r = cli(['batch', folder, '--db', db, '--out', json]);
  assert.equal(r.status, 0, r.stderr);
  const { summary, rows } = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.equal(summary.done, 4);
  assert.equal(summary.checks.refused, 1);
  assert.equal(summary.checks.reoriented, 2);
  assert.ok(summary.checks.withFlags >= 1, 'the other centre\'s film has points flagged');
  assert.equal(summary.checks.flaggedPoints, rows.filter((x: { flagged: boolean }) => x.flagged === true).length);
  assert.match(r.stderr, /checks: 1 refused as not a cephalogram, 2 straightened/);
  const byFile = (name: string) => rows.filter((x: { file: string }) => x.file.endsWith(name));
  assert.equal(byFile('hip.dcm')[0].is_cephalogram, false);
  assert.deepEqual([byFile('mirrored.jpg')[0].mirrored, byFile('mirrored.jpg')[0].rotation], [true, 0]);
  assert.deepEqual([byFile('turned.png')[0].mirrored, byFile('turned.png')[0].rotation], [false, 270]);
  assert.equal(byFile('upright.jpg')[0].warnings, '');
  // ISBI JPEGs carry no spacing: radii in pixels only; the DICOM's in mm too
  for (const x of byFile('upright.jpg')) assert.ok(x.uncertainty_px > 0 && x.uncertainty_mm === '');
  for (const x of byFile('hip.dcm')) assert.ok(x.uncertainty_mm > 0);

  // the same job as CSV: the columns are there, from the database
  const csv = cli(['batch', folder, '--db', db]);
  assert.equal(csv.status, 0, csv.stderr);
  const [header, ...lines] = csv.stdout.trim().split('\n');
  assert.equal(header, 'file,image_id,is_cephalogram,mirrored,rotation,inverted,warnings,landmark,x,y,confidence,uncertainty_px,uncertainty_mm,flagged,source,status,error');
  assert.equal(lines.length, 4 * 19);
  fs.rmSync(tmp, { recursive: true, force: true });
});
