// Issue 19's protocol for the instant level (per-landmark offsets in the head frame):
// - hamedan-dev (mean of its two annotators, 0.123 mm/px estimated): adapt on N = 5, 10, 20 random
//   images, measure on the other 40 - N; several draws each; MRE before and after, and how often
//   the stated 90 % radius (scaled by the factor learnt on the N) holds the truth on the others;
// - ISBI: adapt to one annotator (senior) from 10 random training images, measure test1 vs senior.
// Usage: node --import tsx scripts/adaptation-figures.ts [--draws 10] [--json out.json]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { applyOffsets, fitOffsets, type HeadFrame } from '../src-main/adaptation/offset.js';
import { leaveOneOut, radiusScaleFor, tracedCase, type TracedCase } from '../src-main/adaptation/adapt.js';
import { loadModel } from '../src-main/inference/model.js';
import { traceFile } from '../src-main/inference/trace.js';
import { folderDataset, isbiDataset, type Dataset } from '../src-main/services/eval-dataset.js';
import { readAnnotations, readSplit, validationIds } from '../src-main/services/isbi-dataset.js';
import { sharedDataDir } from '../src-main/util/paths.js';

const { values } = parseArgs({ options: { draws: { type: 'string', default: '10' }, json: { type: 'string' } } });
const draws = Number(values.draws);
const data = path.join(sharedDataDir(), 'data');
const model = await loadModel();

async function traceAll(ds: Dataset, ids: string[]): Promise<TracedCase[]> {
  const out: TracedCase[] = [];
  for (const id of ids) {
    const file = ds.imagePath(id);
    const { img, tracing: t } = await traceFile(model, file, { spacing: { rowMm: ds.mmPerPixel, colMm: ds.mmPerPixel } });
    out.push(tracedCase(id, t, img.width, ds.truth.get(id)!));
    process.stderr.write(`\r${ds.name}: ${out.length}/${ids.length}   `);
  }
  process.stderr.write('\n');
  return out;
}

let seed = 20261204;
const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
function sample<T>(xs: readonly T[], n: number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

/** Adapt on `train`, measure on `test` (errors against each case's own truth). */
function measure(train: TracedCase[], test: TracedCase[], mm: number, frame: HeadFrame) {
  const m = fitOffsets(train.map((c) => ({ model: c.model, truth: c.truth })), frame);
  const loo = leaveOneOut(train, frame);
  const scale = radiusScaleFor(loo.after, loo.radius);
  let before = 0, after = 0, n = 0, covBefore = 0, covAfter = 0;
  for (const c of test) {
    const moved = applyOffsets(m, c.model);
    c.model.forEach((p, k) => {
      const eb = Math.hypot(p.x - c.truth[k].x, p.y - c.truth[k].y);
      const ea = Math.hypot(moved[k].x - c.truth[k].x, moved[k].y - c.truth[k].y);
      before += eb;
      after += ea;
      n++;
      if (eb <= p.uncertaintyPx) covBefore++;
      if (ea <= scale * p.uncertaintyPx) covAfter++;
    });
  }
  return { before_mm: (before / n) * mm, after_mm: (after / n) * mm, coverage_before: covBefore / n, coverage_after: covAfter / n, radius_scale: scale };
}

const summary = (rs: ReturnType<typeof measure>[]) => {
  const avg = (k: keyof ReturnType<typeof measure>) => rs.reduce((s, r) => s + r[k], 0) / rs.length;
  const sd = (k: keyof ReturnType<typeof measure>) => Math.sqrt(rs.reduce((s, r) => s + (r[k] - avg(k)) ** 2, 0) / Math.max(1, rs.length - 1));
  return {
    draws: rs.length,
    before_mm: avg('before_mm'),
    after_mm: avg('after_mm'),
    after_sd_mm: sd('after_mm'),
    cut_pct: 100 * (1 - avg('after_mm') / avg('before_mm')),
    worst_after_mm: Math.max(...rs.map((r) => r.after_mm)),
    coverage_before: avg('coverage_before'),
    coverage_after: avg('coverage_after'),
    radius_scale: avg('radius_scale'),
  };
};

const hamedan = folderDataset(path.join(data, 'hamedan-dev/images'), ['a.csv', 'b.csv'].map((f) => path.join(data, 'hamedan-dev', f)), 0.123);
const hCases = await traceAll(hamedan, hamedan.ids);
const out: Record<string, unknown> = { hamedan: {} };
const FRAMES: HeadFrame[] = ['similarity', 'rotation'];
for (const n of [5, 10, 20]) {
  const splits = Array.from({ length: draws }, () => sample(hCases, n));
  for (const frame of FRAMES) {
    const rs = splits.map((train) => measure(train, hCases.filter((c) => !train.includes(c)), hamedan.mmPerPixel, frame));
    (out.hamedan as Record<string, unknown>)[`N=${n} ${frame}`] = summary(rs);
  }
}

// ISBI: the senior annotator's way, from 10 training images (never test1), measured on test1
const root = path.join(data, 'isbi2015');
const senior = isbiDataset(root, 'test1', 'senior');
const trainIds = readSplit(root, 'train');
const seniorTrain = { ...isbiDataset(root, 'train', 'senior'), truth: readAnnotations(root, 'senior') };
const tCases = await traceAll(senior, senior.ids);
const rsBy: Record<string, ReturnType<typeof measure>[]> = { similarity: [], rotation: [] };
for (let d = 0; d < Math.min(draws, 5); d++) {
  const ids = sample(trainIds.filter((i) => !validationIds(trainIds).includes(i)), 10);
  const train = await traceAll(seniorTrain, ids);
  for (const frame of FRAMES) rsBy[frame].push(measure(train, tCases, 0.1, frame));
}
for (const frame of FRAMES) out[`isbi_senior_from_10_training_images ${frame}`] = summary(rsBy[frame]);

await model.close();
console.log(JSON.stringify(out, null, 2));
if (values.json) fs.writeFileSync(values.json, JSON.stringify(out, null, 2) + '\n');
