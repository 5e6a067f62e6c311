// `medsapiens eval` on ISBI test1 reproduces the model card's test1 MRE (measured in Python at
// export) within 0.02 mm: the app's decoding, preprocessing and heatmap decoding match training's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findModelCard, readModelCard } from '../../src-main/inference/model.js';
import { cli, ISBI } from '../helpers/cli.js';

test('eval on test1 reproduces the card within 0.02 mm, against mean and senior', () => {
  const card = readModelCard(findModelCard());
  assert.ok(card.metrics, 'the shipped model card must carry its measured test1 figures');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ms-eval-')), 'eval.json');
  for (const gt of ['mean', 'senior'] as const) {
    const r = cli(['eval', ISBI, '--gt', gt, '--split', 'test1', '--json', out]);
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(res.overall.n_images, 150);
    const want = card.metrics!.test1[gt];
    const diff = Math.abs(res.overall.mre_mm - want.mre_mm);
    console.log(`test1 vs ${gt}: node ${res.overall.mre_mm.toFixed(4)} mm, card ${want.mre_mm.toFixed(4)} mm, |diff| ${diff.toFixed(4)} mm; SDR@2 ${res.overall.sdr['2mm'].toFixed(2)}%`);
    assert.ok(diff <= 0.02, `MRE differs from the card by ${diff} mm`);
    assert.ok(Math.abs(res.overall.sdr['2mm'] - want.sdr['2mm']) <= 1, 'SDR@2 within 1 point');
    assert.equal(res.per_landmark.length, 19);
  }
});
