// Measures what the reduced reads of compressed DICOMs cost in accuracy: every test1 image is
// re-encoded as a lossless JPEG 2000 DICOM (read only down to a wavelet low-pass band, the card's
// 'jpeg2000-lowpass-area') or as a grey baseline JPEG DICOM, quality 95 (read at reduced scale
// in the DCT domain: 'jpeg-dct-grey-area' natively, or 'jpeg-dct-lanczos3' through sharp), and
// evaluated twice: decoded in full and reduced. The read is measured whether or not the card
// lists it yet: this is how a card comes to list it.
// Usage: node --import tsx scripts/eval-reduced-dicom.ts [--read jpeg2000-lowpass-area|jpeg-dct-grey-area|jpeg-dct-lanczos3] [--limit N] [--json out.json]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importImage, importImageReduced, type ModelReadyImage } from '../src-main/imaging/import.js';
import { letterboxedSize } from '../src-main/inference/read-for-model.js';
import { loadModel } from '../src-main/inference/model.js';
import { evaluateDataset } from '../src-main/services/evaluate.js';
import { isbiDataset } from '../src-main/services/eval-dataset.js';
import { imagePath, readSplit } from '../src-main/services/isbi-dataset.js';
import { sharedDataDir } from '../src-main/util/paths.js';
import { j2kDicom, jpegDicom } from '../test/imaging/helpers/compressed-dicom.js';
import type { ReducedDecode } from '../src-shared/model-card.js';

const READS: ReducedDecode[] = ['jpeg2000-lowpass-area', 'jpeg-dct-grey-area', 'jpeg-dct-lanczos3'];
const { values } = parseArgs({ options: { read: { type: 'string', default: 'jpeg2000-lowpass-area' }, limit: { type: 'string' }, json: { type: 'string' } } });
const read = values.read as ReducedDecode;
if (!READS.includes(read)) throw new Error(`--read ${READS.join(' | ')}, not ${values.read}`);
const encode = read === 'jpeg2000-lowpass-area' ? j2kDicom : jpegDicom;
const root = path.join(sharedDataDir(), 'data/isbi2015');
const limit = values.limit ? Number(values.limit) : undefined;
const model = await loadModel({ provider: 'cpu' });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-reduced-eval-'));
const dicom = (id: string) => path.join(tmp, `${id}.dcm`);

/** evaluateDataset over the DICOM copies, read by `read`; with the mean time a read took */
async function evaluate(read: (file: string) => Promise<ModelReadyImage>) {
  let ms = 0;
  const r = await evaluateDataset(model, {
    dataset: isbiDataset(root, 'test1', 'mean'),
    limit,
    read: async (id) => {
      const t0 = performance.now();
      const img = await read(dicom(id));
      ms += performance.now() - t0;
      return img;
    },
    onProgress: (d, t) => process.stderr.write(`\r${d}/${t}`),
  });
  process.stderr.write('\n');
  return { r, readMs: ms / r.overall.n_images };
}

try {
  const ids = readSplit(root, 'test1').slice(0, limit);
  for (const id of ids) {
    const src = await importImage(imagePath(root, id));
    fs.writeFileSync(dicom(id), await encode(src.pixels, src.width, src.height));
  }
  const full = await evaluate((file) => importImage(file));
  const reduced = await evaluate((file) => importImageReduced(file, (w, h, kind) => (kind === read ? letterboxedSize(model.card, w, h) : undefined)));
  if (reduced.r.reads.full) throw new Error(`${reduced.r.reads.full} images were not read reduced`);
  let sx = 0, sy = 0, n = 0;
  for (const id of ids) {
    reduced.r.predictions[id].forEach((p, k) => {
      sx += p.x - full.r.predictions[id][k].x;
      sy += p.y - full.r.predictions[id][k].y;
      n++;
    });
  }
  const out = {
    read,
    images: ids.length,
    full_decode_mean: full.r.overall,
    reduced_mean: reduced.r.overall,
    reduced_minus_full_mean_offset_px: { x: sx / n, y: sy / n },
    read_ms_mean: { full: full.readMs, reduced: reduced.readMs },
  };
  console.log(JSON.stringify(out, null, 2));
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(out, null, 2) + '\n');
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
  await model.close();
}
