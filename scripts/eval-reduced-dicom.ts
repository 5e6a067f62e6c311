// Measures what the reduced reads of compressed DICOMs cost in accuracy: every test1 image is
// re-encoded as a lossless JPEG 2000 DICOM (read only down to a wavelet low-pass band, the card's
// 'jpeg2000-lowpass-area') or as a grey baseline JPEG DICOM, quality 95 (read at reduced scale
// in the DCT domain, 'jpeg-dct-lanczos3'), and detected twice: from the full decode and from the
// reduced one.
// Usage: node --import tsx scripts/eval-reduced-dicom.ts [--codec jpeg2000|jpeg] [--limit N] [--json out.json]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importImage, importImageReduced } from '../src-main/imaging/import.js';
import { detect } from '../src-main/inference/detector.js';
import { Letterbox } from '../src-main/inference/letterbox.js';
import { loadModel } from '../src-main/inference/model.js';
import { ISBI_MM_PER_PIXEL, imagePath, readAnnotations, readSplit } from '../src-main/services/isbi-dataset.js';
import { radialErrorMm, summarise } from '../src-shared/metrics.js';
import { sharedDataDir } from '../src-main/util/paths.js';
import { j2kDicom, jpegDicom } from '../test/imaging/helpers/compressed-dicom.js';

const { values } = parseArgs({ options: { codec: { type: 'string', default: 'jpeg2000' }, limit: { type: 'string' }, json: { type: 'string' } } });
const codec = values.codec as 'jpeg2000' | 'jpeg';
if (codec !== 'jpeg2000' && codec !== 'jpeg') throw new Error(`--codec jpeg2000 or jpeg, not ${values.codec}`);
const encode = codec === 'jpeg2000' ? j2kDicom : jpegDicom;
const root = path.join(sharedDataDir(), 'data/isbi2015');
let ids = readSplit(root, 'test1');
if (values.limit) ids = ids.slice(0, Number(values.limit));
const gt = readAnnotations(root, 'mean');
const model = await loadModel({ provider: 'cpu' });
const { width: W, height: H } = model.card.input;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-j2k-eval-'));
const errs = { full: [] as number[][], reduced: [] as number[][] };
let sx = 0, sy = 0, n = 0;
const ms = { full: 0, reduced: 0 };
try {
  for (const [i, id] of ids.entries()) {
    const src = await importImage(imagePath(root, id));
    const file = path.join(tmp, `${id}.dcm`);
    fs.writeFileSync(file, await encode(src.pixels, src.width, src.height));
    let t0 = performance.now();
    const full = await importImage(file);
    ms.full += performance.now() - t0;
    t0 = performance.now();
    const reduced = await importImageReduced(file, (w, h, kind) => (kind === codec ? (({ resizedW, resizedH }) => ({ width: resizedW, height: resizedH }))(new Letterbox(w, h, W, H)) : undefined));
    ms.reduced += performance.now() - t0;
    if (!reduced.reduced) throw new Error(`${id}: not read reduced`);
    const a = (await detect(model, full)).landmarks;
    const b = (await detect(model, reduced)).landmarks;
    const ref = gt.get(id)!;
    errs.full.push(a.map((p, k) => radialErrorMm(p, ref[k], ISBI_MM_PER_PIXEL)));
    errs.reduced.push(b.map((p, k) => radialErrorMm(p, ref[k], ISBI_MM_PER_PIXEL)));
    b.forEach((p, k) => {
      sx += p.x - a[k].x;
      sy += p.y - a[k].y;
      n++;
    });
    fs.rmSync(file);
    process.stderr.write(`\r${i + 1}/${ids.length}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
  await model.close();
}
const out = {
  codec,
  images: ids.length,
  full_decode_mean: summarise(errs.full),
  reduced_mean: summarise(errs.reduced),
  reduced_minus_full_mean_offset_px: { x: sx / n, y: sy / n },
  read_ms_mean: { full: ms.full / ids.length, reduced: ms.reduced / ids.length },
};
process.stderr.write('\n');
console.log(JSON.stringify(out, null, 2));
if (values.json) fs.writeFileSync(values.json, JSON.stringify(out, null, 2) + '\n');
