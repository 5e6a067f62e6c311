// The deep level from the app: corrected cases of a real case database fine-tune the networks in the
// background (real PyTorch, a token schedule) with progress; the clinic model it makes is judged on
// held-out cases, can be put in use (the app then traces with that network and records it), and the
// clinic can go back. A run can be cancelled.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../src-main/services/app.js';
import { clinicModelsDir } from '../../src-main/adaptation/clinic-service.js';
import { folderDataset } from '../../src-main/services/eval-dataset.js';
import type { ClinicStatus } from '../../src-shared/api/contract.js';
import { SHARED } from '../helpers/cli.js';

async function until(get: () => Promise<ClinicStatus>, done: (s: ClinicStatus) => boolean, seconds: number): Promise<ClinicStatus> {
  const t0 = Date.now();
  for (;;) {
    const s = await get();
    if (done(s)) return s;
    if (Date.now() - t0 > seconds * 1000) throw new Error(`still ${JSON.stringify(s.deep)} after ${seconds} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const finished = (s: ClinicStatus) => !!s.deep && ['done', 'failed', 'cancelled'].includes(s.deep.state);

test('deep adaptation runs in the background on the corrected cases; its model is judged, used, recorded and reverted', { timeout: 900_000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-deep-'));
  const src = path.join(SHARED, 'hamedan-dev');
  const ds = folderDataset(path.join(src, 'images'), [path.join(src, 'a.csv'), path.join(src, 'b.csv')], 0.123);
  const app = createApp({ dbPath: path.join(tmp, 'cases.sqlite'), log: () => undefined });
  const h = app.handlers;
  try {
    const learn = ds.ids.slice(0, 5);
    const imported = await h['images.importPaths']({ paths: learn.map((id) => ds.imagePath(id)), detect: true });
    const shipped = await app.model();
    const shippedVersion = shipped.card.version;
    for (const [i, r] of imported.entries()) {
      assert.ok(r.ok);
      const set = (await h['cases.get']({ imageId: r.imageId! })).landmarks!;
      const truth = ds.truth.get(learn[i])!;
      for (const [k, id] of shipped.card.landmarks.entries()) await h['landmarks.move']({ setId: set.setId, landmarkId: id, x: truth[k].x, y: truth[k].y });
    }
    const before = await h['clinic.status']({});
    assert.equal(before.deepUnavailable, null, 'this machine has PyTorch (scripts/install.sh)');
    assert.equal(before.deep, null);

    const started = await h['clinic.adaptDeep']({ epochs: 1, samplesPerEpoch: 4 });
    assert.ok(started.deep && ['preparing', 'training'].includes(started.deep.state), JSON.stringify(started.deep));
    await assert.rejects(h['clinic.adaptDeep']({}), /already running/);
    // the app answers while it trains: a case can be opened
    assert.ok((await h['cases.get']({ imageId: imported[0].imageId! })).landmarks);
    const end = await until(() => h['clinic.status']({}), finished, 600);
    assert.equal(end.deep!.state, 'done', end.deep!.message ?? '');
    assert.equal(end.deep!.fraction, 1);
    const m = end.models.find((x) => x.id === end.deep!.id)!;
    assert.ok(m, 'the clinic model is listed');
    assert.equal(m.kind, 'lora');
    assert.deepEqual([m.cases, m.measuredOn, m.unit], [4, 1, 'px'], 'every fourth case held out and measured');
    assert.equal(end.active, null, 'not put in use by itself');
    const dir = path.join(clinicModelsDir(app.store), m.id);
    const cardFile = fs.readdirSync(dir).find((f) => f.endsWith('.card.json'))!;

    if (!m.beatsParent) {
      await assert.rejects(h['clinic.use']({ id: m.id }), /did not beat the shipped model/);
      // one token epoch need not beat it: the switching itself is what is checked from here on
      const card = JSON.parse(fs.readFileSync(path.join(dir, cardFile), 'utf8'));
      card.adaptation.figures.adapted.mre = card.adaptation.figures.parent.mre * 0.9;
      fs.writeFileSync(path.join(dir, cardFile), JSON.stringify(card));
    }
    const used = await h['clinic.use']({ id: m.id });
    assert.equal(used.active, m.id);
    assert.deepEqual(used.parent, { name: shipped.card.name, version: shippedVersion }, 'the parent is still the shipped model');
    const sys = await h['system.status']({});
    assert.match(sys.model!.version, /\+lora-/);
    const [fresh] = await h['images.importPaths']({ paths: [ds.imagePath(ds.ids[6])], detect: true });
    assert.ok(fresh.ok);
    assert.match((await h['cases.get']({ imageId: fresh.imageId! })).landmarks!.modelVersion, /\+lora-/, 'the tracing records the clinic model');

    const back = await h['clinic.use']({ id: null });
    assert.equal(back.active, null);
    assert.equal((await h['system.status']({})).model!.version, shippedVersion);
    assert.equal((await h['landmarks.detect']({ imageId: fresh.imageId! })).modelVersion, shippedVersion);

    // a second run, cancelled: it stops, and makes no model that is offered
    await h['clinic.adaptDeep']({ epochs: 1, samplesPerEpoch: 4 });
    await h['clinic.cancelDeep']({});
    const cancelled = await until(() => h['clinic.status']({}), finished, 300);
    assert.equal(cancelled.deep!.state, 'cancelled');
    assert.ok(!cancelled.models.some((x) => x.id === cancelled.deep!.id));
  } finally {
    await app.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
