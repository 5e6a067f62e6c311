// The deep level from the command line: real hamedan-dev films (one stored mirrored), prepared by the
// app's readers, fine-tuned by training/adapt_lora.py through real PyTorch (a token schedule), and a
// clinic model that `detect --model` runs; without PyTorch the command says what is needed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { cli, SHARED } from '../helpers/cli.js';

const HAMEDAN = path.join(SHARED, 'hamedan-dev');

test('adapt --method lora makes a clinic model that detect --model runs, from films in any orientation', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-lora-'));
  const images = path.join(tmp, 'images');
  fs.mkdirSync(images);
  const a = fs.readFileSync(path.join(HAMEDAN, 'a.csv'), 'utf8').trim().split('\n');
  const keep = ['001', '004', '011'];
  // 004 stored mirrored, its tracing mirrored with it: the app straightens both before training
  const width = (await sharp(path.join(HAMEDAN, 'images', '004.tif')).metadata()).width!;
  const rows = a.slice(1).filter((l) => keep.includes(l.split(',')[0])).map((l) => {
    const v = l.split(',');
    if (v[0] !== '004') return l;
    return v.map((x, i) => (i % 2 === 1 ? String(width - 1 - Number(x)) : x)).join(',');
  });
  fs.writeFileSync(path.join(tmp, 't.csv'), [a[0], ...rows].join('\n') + '\n');
  fs.copyFileSync(path.join(HAMEDAN, 'images', '001.tif'), path.join(images, '001.tif'));
  await sharp(path.join(HAMEDAN, 'images', '004.tif')).flop().png().toFile(path.join(images, '004.png'));
  fs.copyFileSync(path.join(HAMEDAN, 'images', '011.tif'), path.join(images, '011.tif'));
  const out = path.join(tmp, 'clinic');
  const r = cli(['adapt', '--method', 'lora', '--images', images, '--tracings', path.join(tmp, 't.csv'), '--mm-per-px', '0.123', '--holdout', '011', '--epochs', '1', '--samples-per-epoch', '4', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /held-out MRE [\d.]+ -> [\d.]+ mm .* on 1 cases/);
  const card = JSON.parse(fs.readFileSync(path.join(out, 'medsapiens-ceph19.card.json'), 'utf8'));
  assert.deepEqual(card.adaptation.cases, ['001', '004']);
  // the clinic model is the adapted networks alone, as measured: not the parent's second stage
  assert.equal(card.refine, undefined);
  // the mirrored film was written upright, its tracing moved with it: close to the original's
  const csv = fs.readFileSync(path.join(out, 'cases', 'tracings.csv'), 'utf8').trim().split('\n');
  const row = (id: string, lines: string[]) => lines.find((l) => l.startsWith(id + ','))!.split(',').slice(1).map(Number);
  const orig = row('004', a);
  row('004', csv).forEach((v, i) => assert.ok(Math.abs(v - orig[i]) < 0.01, `coordinate ${i}: ${v} vs ${orig[i]}`));
  const d = cli(['detect', '--model', out, path.join(HAMEDAN, 'images', '013.tif')]);
  assert.equal(d.status, 0, d.stderr);
  const det = JSON.parse(d.stdout);
  assert.equal(det.landmarks.length, 19);
  assert.match(det.model?.version ?? d.stderr, /\+lora-/);
});

test('without PyTorch, adapt --method lora says what is needed and points to the instant level', () => {
  const r = cli(['adapt', '--method', 'lora', '--images', path.join(HAMEDAN, 'images'), '--tracings', path.join(HAMEDAN, 'a.csv'), '--out', path.join(os.tmpdir(), 'ms-lora-none')], { MEDSAPIENS_PYTHON: '/nonexistent/python3' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /needs Python 3 with PyTorch/);
  assert.match(r.stderr, /--method offset/);
});

test('adapt --method lora --db learns from the corrected cases of a case database, into clinic-models beside it', { timeout: 600_000 }, async () => {
  const { createApp } = await import('../../src-main/services/app.js');
  const { folderDataset } = await import('../../src-main/services/eval-dataset.js');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-lora-db-'));
  const ds = folderDataset(path.join(HAMEDAN, 'images'), [path.join(HAMEDAN, 'a.csv'), path.join(HAMEDAN, 'b.csv')], 0.123);
  const dbPath = path.join(tmp, 'cases.sqlite');
  const app = createApp({ dbPath, log: () => undefined });
  const learn = ds.ids.slice(0, 6);
  const corrected: number[] = [];
  try {
    const h = app.handlers;
    const imported = await h['images.importPaths']({ paths: learn.map((id) => ds.imagePath(id)), detect: true });
    const model = await app.model();
    // five corrected point by point; the sixth only traced, never looked at: not a training case
    for (const [i, r] of imported.entries()) {
      assert.ok(r.ok);
      if (i === 5) continue;
      const set = (await h['cases.get']({ imageId: r.imageId! })).landmarks!;
      const truth = ds.truth.get(learn[i])!;
      for (const [k, id] of model.card.landmarks.entries()) await h['landmarks.move']({ setId: set.setId, landmarkId: id, x: truth[k].x, y: truth[k].y });
      corrected.push(r.imageId!);
    }
  } finally {
    await app.close();
  }
  const r = cli(['adapt', '--method', 'lora', '--db', dbPath, '--epochs', '1', '--samples-per-epoch', '4']);
  assert.equal(r.status, 0, r.stderr);
  const dir = fs.readdirSync(path.join(tmp, 'clinic-models')).find((d) => d.endsWith('-lora'));
  assert.ok(dir, 'a LoRA clinic model folder beside the database');
  const card = JSON.parse(fs.readFileSync(path.join(tmp, 'clinic-models', dir, 'medsapiens-ceph19.card.json'), 'utf8'));
  assert.deepEqual([...card.adaptation.cases].sort(), corrected.map(String).sort());
  fs.rmSync(tmp, { recursive: true, force: true });
});
