// The PDF report of a real case (ISBI image 001 with the senior annotator's points, one moved by
// hand, two of low confidence, a 0.1 mm/px ruler), checked from the outside with poppler-utils:
// page count, the text a reader sees, and the rendered first page.
import { BAND_LEGEND } from '../../src-shared/landmark-bands.js';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { evaluateAnalysis } from '../../src-shared/ceph/index.js';
import { createReport, formatNorm, formatValue } from '../../src-main/reports/index.js';
import { createCaseStore } from '../../src-main/db/store.js';
import { ARTIFACTS, buildRealCase, hasPoppler, importIsbiRecord, isbiImage, MODEL, PATIENT, poppler, seniorPoints, STUDY, tempDir } from './helpers.js';

const skip = hasPoppler() ? false : 'poppler-utils (pdfinfo, pdftotext, pdftoppm) is not installed';

function tracingOf(points: { landmarkId: string; x: number; y: number }[]) {
  return Object.fromEntries(points.map((p) => [p.landmarkId, { x: p.x, y: p.y }]));
}

test('PDF report of a real case: header, tracing, Steiner values, flags, disclaimer', { skip }, async (t) => {
  const c = await buildRealCase(t);
  const detail = c.store.getCase(c.imageId);
  const analyses = ['steiner', 'downs', 'mcnamara', 'tweed', 'ricketts', 'bjork_jarabak', 'isbi2015'];

  const t0 = performance.now();
  const report = await createReport({ case: detail, image: c.image, analyses, format: 'pdf', anonymise: false, model: MODEL, generatedAt: new Date('2025-02-03T10:20:00Z') });
  const ms = performance.now() - t0;
  t.diagnostic(`PDF (${analyses.length} analyses, ${report.bytes.length} bytes) rendered in ${ms.toFixed(0)} ms`);

  assert.equal(report.mimeType, 'application/pdf');
  assert.equal(report.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(report.fileName, /^ceph-report_PID-778899_2024-05-06_img\d+\.pdf$/);

  const dir = tempDir(t);
  const file = path.join(dir, report.fileName);
  fs.writeFileSync(file, report.bytes);

  const meta = poppler('pdfinfo', [file]);
  const pages = Number(/^Pages:\s+(\d+)/m.exec(meta)?.[1]);
  assert.ok(pages >= 2, `seven analyses do not fit one page: ${pages} page(s)`);
  assert.match(meta, /Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);
  assert.match(meta, /Title:.*Jane Testpatient/);

  const text = poppler('pdftotext', ['-layout', file, '-']);
  // header: patient, study, model, calibration
  for (const s of [PATIENT.name, PATIENT.externalId, PATIENT.birthDate, STUDY.studyDate, 'Lateral ceph pre-treatment', `${MODEL.name} ${MODEL.version}`, 'ruler 0.100 mm/px', 'Generated 2025-02-03']) {
    assert.ok(text.includes(s), `the report shows ${s}`);
  }
  assert.match(text, /Sex\s+F/);

  // SNA computed here from the same points (the moved A point included) with the same calibration
  const points = detail.landmarks!.points;
  const steiner = evaluateAnalysis('steiner', tracingOf(points), { mmPerPixel: 0.1 });
  const sna = steiner.measures.find((m) => m.id === 'sna')!.result;
  assert.equal(sna.status, 'ok');
  if (sna.status !== 'ok') return;
  assert.ok(text.includes('Steiner'));
  const snaLine = text.split('\n').find((l) => /^\s*SNA\s/.test(l));
  assert.ok(snaLine, 'a table row for SNA');
  assert.ok(snaLine.includes(formatValue(sna.value, 'deg')), `SNA row "${snaLine.trim()}" shows ${formatValue(sna.value, 'deg')}`);
  assert.ok(snaLine.includes(formatNorm(sna.norm!, 'deg')), 'with its norm');
  assert.match(snaLine, /HIGH|LOW|[+-]\d\.\d\d/);

  // a linear measure is in mm (calibrated), missing landmarks are named
  const u1na = steiner.measures.find((m) => m.id === 'u1_na_mm')!.result;
  if (u1na.status === 'ok') assert.ok(text.includes(formatValue(u1na.value, 'mm')));
  assert.match(text, /U1 to NA \(angle\)\s+missing: U1A/);

  // flags: the moved point and the low-confidence ones (reading order, lines joined: they may wrap)
  const flow = poppler('pdftotext', [file, '-']).replace(/\s+/g, ' ');
  assert.match(flow, /Landmarks to review/);
  assert.match(flow, /A: hand-placed \(moved 1\.4 mm from the model's position\)/);
  assert.match(flow, /Go: low model confidence 0\.12 \(below 0\.3\)/);
  assert.match(flow, /Pog': low model confidence 0\.12/);
  assert.match(flow, /Tracing NOT marked reviewed by a clinician/);
  // the legend speaks the viewer's words for its colours (src-shared/landmark-bands.ts)
  for (const words of Object.values(BAND_LEGEND)) assert.ok(flow.includes(words), `legend: ${words}`);
  assert.ok(text.includes('Downs') && text.includes('Björk-Jarabak') && text.includes('Norm sources'));
  // the disclaimer and page numbers on every page
  assert.equal(text.split('must be reviewed by a clinician').length - 1, pages);
  assert.ok(text.includes(`page ${pages} of ${pages}`));

  // page 1 rendered: the image region holds a radiograph (grey detail) with a coloured tracing
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const prefix = path.join(ARTIFACTS, 'real-case-page');
  poppler('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '1', '-singlefile', file, prefix]);
  const png = `${prefix}.png`;
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.ok(Math.abs(info.width - 413) <= 1, `page width ${info.width} px`); // 595 pt at 50 dpi
  const region = { x0: Math.round(info.width * 0.12), x1: Math.round(info.width * 0.55), y0: Math.round(info.height * 0.25), y1: Math.round(info.height * 0.6) };
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  let coloured = 0;
  for (let y = region.y0; y < region.y1; y++) {
    for (let x = region.x0; x < region.x1; x++) {
      const i = (y * info.width + x) * 3;
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      const grey = (r + g + b) / 3;
      sum += grey;
      sum2 += grey * grey;
      n++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++;
    }
  }
  const mean = sum / n;
  const sd = Math.sqrt(sum2 / n - mean * mean);
  t.diagnostic(`page 1 image region: mean ${mean.toFixed(1)}, SD ${sd.toFixed(1)}, ${coloured} coloured pixels (${png})`);
  assert.ok(sd > 20, `the image region is not blank (grey SD ${sd.toFixed(1)})`);
  assert.ok(mean > 20 && mean < 235, 'nor all black or all white');
  assert.ok(coloured > 100, `the tracing is drawn over the image (${coloured} coloured pixels)`);
});

test('without a calibration the PDF says so and linear measures read uncalibrated', { skip }, async (t) => {
  const c = await buildRealCase(t, { ruler: false });
  const report = await createReport({ case: c.store.getCase(c.imageId), image: c.image, analyses: ['steiner'], format: 'pdf', anonymise: false, model: null });
  const file = path.join(tempDir(t), 'uncal.pdf');
  fs.writeFileSync(file, report.bytes);
  const text = poppler('pdftotext', ['-layout', file, '-']);
  assert.match(text, /Calibration\s+uncalibrated/);
  assert.match(text, /No pixel spacing or ruler: linear measures \(mm\)/);
  assert.match(text, /U1 to NA \(distance\)\s+uncalibrated/);
  assert.match(text, /L1 to NB \(distance\)\s+uncalibrated/);
  assert.match(text, /Model\s+none recorded/);
  // angles do not need a scale
  assert.match(text, /^\s*SNA\s+\d+\.\d°/m);
  assert.match(text, /page 1 of \d/);
});

test('the PDF needs the decoded image, of the size the case says', async (t) => {
  const c = await buildRealCase(t);
  const detail = c.store.getCase(c.imageId);
  const base = { case: detail, analyses: ['steiner'], format: 'pdf' as const, anonymise: false, model: null };
  await assert.rejects(createReport(base), { code: 'bad_request' });
  const half = { width: 100, height: 100, pixels: new Uint8Array(100 * 100) };
  await assert.rejects(createReport({ ...base, image: half }), { code: 'conflict' });
});

test('a sparse case: few points, all unsure, a hand-placed extra point, a name the PDF fonts cannot show', { skip }, async (t) => {
  const dir = tempDir(t);
  const store = createCaseStore({ path: path.join(dir, 'cases.sqlite') });
  t.after(() => store.close());
  const image = await isbiImage();
  const rec = importIsbiRecord(store, image, {
    spacing: { rowMm: 0.1, colMm: 0.1, source: 'pixel-spacing' },
    patient: { name: '王芳 Wang', externalId: 'X-1', sex: 'F' },
    study: { description: 'x'.repeat(300) },
  });
  const keep = ['sella', 'nasion', 'subspinale', 'supramentale', 'upper_incisal_incision'];
  const pts = seniorPoints('001').filter((p) => keep.includes(p.landmarkId));
  const set = store.saveModelLandmarks(rec.id, MODEL.name, MODEL.version, pts.map((p) => ({ ...p, confidence: 0.05 }))).set.id;
  store.placePoint(set, 'upper_incisor_apex', 1300, 1750);

  const report = await createReport({ case: store.getCase(rec.id), image, analyses: ['steiner', 'ricketts', 'wits'], format: 'pdf', anonymise: false, model: MODEL });
  const file = path.join(dir, 'sparse.pdf');
  fs.writeFileSync(file, report.bytes);
  const text = poppler('pdftotext', ['-layout', file, '-']);
  const flow = poppler('pdftotext', [file, '-']).replace(/\s+/g, ' ');
  assert.match(text, /Calibration\s+DICOM PixelSpacing 0\.100 mm\/px/);
  assert.match(text, /\?\? Wang/, 'characters outside the font become ?');
  assert.match(flow, /U1A: hand-placed \(not predicted by the model\)/);
  for (const abbr of ['S', 'N', 'A', 'B', 'U1']) assert.match(flow, new RegExp(`${abbr}: low model confidence 0\\.05`));
  assert.match(text, /SNB\s+\d+\.\d°/);
  assert.match(text, /SN to Go-Gn \(mandibular plane\)\s+missing: Go, Gn/);
  assert.match(text, /Wits appraisal \(AO-BO\)\s+missing: U6, L6, L1/);
});

test('PDF of a checked tracing: reviewed or not, straightened, each flagged point with its radius, accepted or not', { skip }, async (t) => {
  const c = await buildRealCase(t, { landmarks: false });
  const points = seniorPoints('001').map((p) => ({ ...p, confidence: 0.4, uncertaintyPx: p.landmarkId === 'gonion' || p.landmarkId === 'porion' ? 35 : 12, flagged: p.landmarkId === 'gonion' || p.landmarkId === 'porion' }));
  const check = {
    isCephalogram: true,
    orientation: { rotation: 0 as const, mirrored: true, inverted: false, source: 'auto' as const, probability: 0.99, description: 'mirrored: the profile faces left' },
    shapeD2: 30,
    meanConfidence: 0.35,
    warnings: [{ code: 'reoriented' as const, message: 'straightened for tracing: mirrored: the profile faces left' }],
  };
  const setId = c.store.saveModelLandmarks(c.imageId, MODEL.name, MODEL.version, points, check).set.id;
  c.store.acceptPoint(setId, 'porion');
  const text = async () => {
    const report = await createReport({ case: c.store.getCase(c.imageId), image: c.image, analyses: ['steiner'], format: 'pdf', anonymise: false, model: MODEL });
    const file = path.join(tempDir(t), report.fileName);
    fs.writeFileSync(file, report.bytes);
    return poppler('pdftotext', [file, '-']).replace(/\s+/g, ' ');
  };
  let flow = await text();
  assert.match(flow, /Tracing NOT marked reviewed by a clinician/);
  assert.match(flow, /Image straightened for tracing: mirrored: the profile faces left/);
  // the ruler: 0.1 mm per pixel, so 35 px is 3.5 mm
  assert.match(flow, /Go: flagged by the model \(± 3\.5 mm at 90 %\): not reviewed, check its position/);
  assert.match(flow, /Po: flagged by the model \(± 3\.5 mm at 90 %\), looked at and accepted/);
  c.store.setReviewed(setId, true);
  flow = await text();
  assert.match(flow, /Tracing reviewed by the clinician \(\d{4}-\d{2}-\d{2}\)/);
});
