// The input check's confusion counts: every ISBI image (001-300), every hamedan-dev image, DICOM
// re-encodings of ISBI test1 images (JPEG 2000, JPEG, JPEG as MONOCHROME1) should pass as
// cephalograms; the non-cephalogram DICOMs of ../shared and made images (blank, noise, text, a
// photo-like scene, a gradient) should be refused. Prints the table and each miss; --json writes it.
// Usage: node --import tsx scripts/input-check-figures.ts [--dicoms N] [--json out.json]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { importImage } from '../src-main/imaging/import.js';
import { loadModel } from '../src-main/inference/model.js';
import { traceFile } from '../src-main/inference/trace.js';
import { sharedDataDir } from '../src-main/util/paths.js';
import { j2kDicom, jpegDicom } from '../test/imaging/helpers/compressed-dicom.js';

const { values } = parseArgs({ options: { dicoms: { type: 'string', default: '30' }, json: { type: 'string' } } });
const data = path.join(sharedDataDir(), 'data');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-inputcheck-'));
const isbi = fs.readdirSync(path.join(data, 'isbi2015/images')).filter((f) => /^(\d{3})\.jpg$/.test(f) && Number(f.slice(0, 3)) <= 300).sort();
const hamedan = fs.readdirSync(path.join(data, 'hamedan-dev/images')).sort();

async function madeNegatives(): Promise<string[]> {
  const w = 1100;
  const h = 1300;
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const kinds: Record<string, (x: number, y: number) => number> = {
    blank: () => 0,
    grey: () => 140,
    noise: () => rnd() * 255,
    gradient: (x, y) => (x + y) / 9,
    text: (x, y) => (y % 44 < 20 && x > 90 && x < 1010 && Math.floor(x / 41) % 6 !== 0 && Math.sin(x * 0.7) > -0.5 ? 25 : 240),
    photo: (x, y) => ((x - 800) ** 2 + (y - 260) ** 2 < 100 ** 2 ? 250 : y > 760 + 90 * Math.sin(x / 160) ? 60 + 30 * Math.sin(x / 23) : x > 220 && x < 480 && y > 520 && y < 800 ? 170 : 210 - y / 8),
  };
  const out: string[] = [];
  for (const [name, f] of Object.entries(kinds)) {
    const px = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = Math.max(0, Math.min(255, f(x, y)));
    const file = path.join(tmp, `${name}.png`);
    await sharp(px, { raw: { width: w, height: h, channels: 1 } }).png().toFile(file);
    out.push(file);
  }
  return out;
}

async function dicomCopies(n: number): Promise<string[]> {
  const out: string[] = [];
  for (const f of isbi.filter((f) => Number(f.slice(0, 3)) > 150).slice(0, n)) {
    const src = await importImage(path.join(data, 'isbi2015/images', f));
    const id = f.slice(0, 3);
    const enc: [string, Promise<Uint8Array>][] = [
      [`${id}-j2k.dcm`, j2kDicom(src.pixels, src.width, src.height)],
      [`${id}-jpeg.dcm`, jpegDicom(src.pixels, src.width, src.height)],
      [`${id}-mono1.dcm`, jpegDicom(src.pixels.map((v) => 255 - v), src.width, src.height, { photometric: 'MONOCHROME1' })],
    ];
    for (const [name, bytes] of enc) {
      fs.writeFileSync(path.join(tmp, name), await bytes);
      out.push(path.join(tmp, name));
    }
  }
  return out;
}

const groups: { name: string; cephalograms: boolean; files: string[] }[] = [
  { name: 'ISBI 001-300', cephalograms: true, files: isbi.map((f) => path.join(data, 'isbi2015/images', f)) },
  { name: 'hamedan-dev', cephalograms: true, files: hamedan.map((f) => path.join(data, 'hamedan-dev/images', f)) },
  { name: `ISBI test1 as DICOMs (J2K, JPEG, MONOCHROME1)`, cephalograms: true, files: await dicomCopies(Number(values.dicoms)) },
  { name: 'non-cephalogram DICOMs (chest, hip x2, OT)', cephalograms: false, files: ['dx-chest-j2k-lossless.dcm', 'cr-hip-jpeg-lossless.dcm', 'cr-hip-jpeg-lossy.dcm', 'ot-uncompressed-8bit.dcm'].map((f) => path.join(data, 'dicom', f)) },
  { name: 'made non-images (blank, grey, noise, gradient, text, photo)', cephalograms: false, files: await madeNegatives() },
];

const model = await loadModel();
const table: Record<string, unknown>[] = [];
const misses: string[] = [];
let tp = 0, fn = 0, tn = 0, fp = 0;
let checkMs = 0, orientMs = 0, n = 0;
for (const g of groups) {
  let pass = 0, refused = 0, implausible = 0, reoriented = 0;
  for (const f of g.files) {
    const { tracing: t } = await traceFile(model, f);
    checkMs += t.timingsMs.check;
    orientMs += t.timingsMs.orientation;
    n++;
    if (t.check.isCephalogram) pass++;
    else refused++;
    if (t.check.warnings.some((w) => w.code === 'implausible_shape')) implausible++;
    if (t.check.warnings.some((w) => w.code === 'reoriented')) reoriented++;
    if (t.check.isCephalogram !== g.cephalograms) misses.push(`${g.name}: ${path.basename(f)} ${t.check.isCephalogram ? 'passed' : 'refused'} (D2 ${t.check.shapeD2?.toFixed(1)}, confidence ${t.check.meanConfidence.toFixed(3)})`);
    process.stderr.write(`\r${g.name}: ${pass + refused}/${g.files.length}   `);
  }
  process.stderr.write('\n');
  if (g.cephalograms) (tp += pass), (fn += refused);
  else (tn += refused), (fp += pass);
  table.push({ group: g.name, images: g.files.length, passed: pass, refused, implausible, straightened: reoriented });
}
await model.close();
const out = { table, confusion: { cephalograms_passed: tp, cephalograms_refused: fn, non_cephalograms_refused: tn, non_cephalograms_passed: fp }, misses, mean_ms: { orientation_check: orientMs / n, shape_and_uncertainty: checkMs / n } };
for (const r of table) console.log(`${String(r.group).padEnd(62)} ${String(r.images).padStart(4)} images: ${r.passed} passed, ${r.refused} refused, ${r.implausible} implausible, ${r.straightened} straightened`);
console.log(`confusion: cephalograms ${tp} passed / ${fn} refused; non-cephalograms ${tn} refused / ${fp} passed`);
for (const m of misses) console.log(`  miss: ${m}`);
if (values.json) fs.writeFileSync(values.json, JSON.stringify(out, null, 2) + '\n');
fs.rmSync(tmp, { recursive: true, force: true });
