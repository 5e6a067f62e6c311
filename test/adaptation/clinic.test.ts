// The clinic's corrections are the data: cases a clinician corrected in the case database make a
// clinic model, used only when it beat the shipped model on the clinic's held-out cases; tracings
// then record it, and the clinic can go back. Real database file, real model, real images.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../src-main/services/app.js';
import { clinicModelsDir } from '../../src-main/adaptation/clinic-service.js';
import { folderDataset } from '../../src-main/services/eval-dataset.js';
import { SHARED } from '../helpers/cli.js';

test('corrected cases make a clinic model; used, it corrects new tracings and is recorded; reverted, it is not', { timeout: 300_000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-clinic-'));
  const src = path.join(SHARED, 'hamedan-dev');
  const ds = folderDataset(path.join(src, 'images'), [path.join(src, 'a.csv'), path.join(src, 'b.csv')], 0.123);
  const app = createApp({ dbPath: path.join(tmp, 'cases.sqlite'), log: () => undefined });
  const h = app.handlers;
  try {
    const [learn, fresh] = [ds.ids.slice(0, 6), ds.ids.slice(6, 8)];
    const imported = await h['images.importPaths']({ paths: learn.map((id) => ds.imagePath(id)), detect: true });
    assert.ok(imported.every((r) => r.ok));
    assert.equal((await h['clinic.status']({})).correctedCases, 0, 'traced, not yet corrected');
    // the clinician corrects five cases point by point and marks a sixth reviewed as it is
    const model = await app.model();
    for (const [i, r] of imported.entries()) {
      if (!r.ok) continue;
      const c = await h['cases.get']({ imageId: r.imageId });
      const set = c.landmarks!;
      if (i === 5) {
        await h['landmarks.setReviewed']({ setId: set.setId, reviewed: true });
        continue;
      }
      const truth = ds.truth.get(learn[i])!;
      for (const [k, id] of model.card.landmarks.entries()) await h['landmarks.move']({ setId: set.setId, landmarkId: id, x: truth[k].x, y: truth[k].y });
    }
    const before = await h['clinic.status']({});
    assert.equal(before.correctedCases, 6);
    assert.equal(before.active, null);

    const adapted = await h['clinic.adapt']({});
    assert.equal(adapted.models.length, 1);
    const m = adapted.models[0];
    assert.equal(m.cases, 6);
    assert.ok(fs.existsSync(path.join(clinicModelsDir(app.store), m.id, 'adaptation.json')), 'kept beside the database');
    assert.equal(adapted.active, null, 'not put in use by itself');
    assert.equal(m.kind, 'offset');
    assert.ok(m.beatsParent, `held-out ${m.parentMre} -> ${m.adaptedMre} ${m.unit}`);

    assert.equal((await h['clinic.use']({ id: m.id })).active, m.id);
    // a new film is traced with the clinic's corrections, recorded with it, and lands nearer the truth
    const [n1] = await h['images.importPaths']({ paths: [ds.imagePath(fresh[0])], detect: true });
    assert.ok(n1.ok);
    const adaptedSet = (await h['cases.get']({ imageId: n1.imageId! })).landmarks!;
    assert.match(adaptedSet.modelVersion, /\+ clinic offsets .*\(6 cases\)$/);
    await h['clinic.use']({ id: null });
    const plainSet = await h['landmarks.detect']({ imageId: n1.imageId! });
    assert.equal(plainSet.modelVersion, model.card.version, 'back to the shipped model');
    const truth = ds.truth.get(fresh[0])!;
    const mre = (pts: { landmarkId: string; x: number; y: number }[]) =>
      model.card.landmarks.reduce((s, id, k) => {
        const p = pts.find((q) => q.landmarkId === id)!;
        return s + Math.hypot(p.x - truth[k].x, p.y - truth[k].y);
      }, 0) / 19;
    console.log(`hamedan ${fresh[0]}: ${mre(plainSet.points).toFixed(2)} px plain, ${mre(adaptedSet.points).toFixed(2)} px with the clinic model`);
    assert.ok(mre(adaptedSet.points) < mre(plainSet.points));

    // a clinic model that did not beat the shipped model is never put in use
    const worse = JSON.parse(fs.readFileSync(path.join(clinicModelsDir(app.store), m.id, 'adaptation.json'), 'utf8'));
    worse.measured.adapted.mre_px = worse.measured.parent.mre_px + 1;
    fs.mkdirSync(path.join(clinicModelsDir(app.store), 'worse'));
    fs.writeFileSync(path.join(clinicModelsDir(app.store), 'worse', 'adaptation.json'), JSON.stringify(worse));
    await assert.rejects(h['clinic.use']({ id: 'worse' }), /did not beat the shipped model/);
    assert.equal((await h['clinic.status']({})).active, null);
  } finally {
    await app.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
