// `medsapiens bench` as a subprocess: every stage timed, the figures consistent with each other,
// the JSON written, and a batch over a folder compared with both bare-inference baselines.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cli, DICOM, ISBI } from '../helpers/cli.js';

test('bench times each stage of a JPEG and a JPEG 2000 DICOM, and a batch against bare inference', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-bench-'));
  try {
    const folder = path.join(tmp, 'batch');
    fs.mkdirSync(folder);
    for (const id of ['151', '152', '153']) fs.copyFileSync(path.join(ISBI, 'images', `${id}.jpg`), path.join(folder, `${id}.jpg`));
    const jpeg = path.join(ISBI, 'images', '151.jpg');
    const j2k = path.join(DICOM, 'dx-chest-j2k-lossless.dcm');
    const out = path.join(tmp, 'bench.json');
    const r = cli(['bench', '--runs', '3', jpeg, j2k, '--batch-folder', folder, '--batch-limit', '3', '--json', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /151\.jpg: end to end [\d.]+ ms .* the JPEG decoder alone \(libjpeg-turbo [\d.]+\) [\d.]+ ms/);
    const b = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.deepEqual(b.per_file.map((f: { file: string }) => f.file), [jpeg, j2k]);
    for (const f of b.per_file) {
      const st = f.stages;
      for (const k of ['decode', 'preprocess', 'inference', 'decoding', 'database', 'end_to_end', 'bare_inference']) {
        assert.equal(st[k].runs, 3, `${k} runs`);
        assert.ok(st[k].median_ms >= 0 && Number.isFinite(st[k].median_ms), k);
      }
      assert.ok(st.end_to_end.median_ms > st.inference.median_ms && st.end_to_end.median_ms > st.decode.median_ms);
      assert.ok(f.model_share_pct > 0 && f.model_share_pct < 100);
    }
    // the decoder-alone floor exists for the JPEG only, and is of the order of the whole read: a
    // floor several times the read would be timing some other decode (full scale, another reader).
    // Not "less than the read": medians of 3 swap places when another process takes a core
    const [j, d] = b.per_file;
    assert.ok(j.stages.decoder_only.median_ms > 0 && j.stages.decoder_only.median_ms < 2 * j.stages.decode.median_ms);
    assert.equal(d.stages.decoder_only, undefined);
    // the floor is the reader the model path uses: here the native one (scripts/install.sh builds it)
    assert.match(b.jpeg_reader, /^native JPEG reader: libjpeg-turbo /);
    assert.match(j.decoder_only_reader, /^libjpeg-turbo /);
    assert.equal(b.batch.images, 3);
    assert.equal(b.batch.failed, 0);
    // one single-threaded session per core (at most 8), two on a GPU
    assert.equal(b.batch.workers, b.model.provider === 'cpu' ? Math.max(1, Math.min(8, os.availableParallelism())) : 2);
    for (const k of ['images_per_second', 'bare_inference_images_per_second', 'pooled_bare_inference_images_per_second', 'vs_bare_inference_pct', 'vs_pooled_bare_inference_pct']) {
      assert.ok(b.batch[k] > 0, k);
    }
    assert.ok(b.peak_rss_mb > 100);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
