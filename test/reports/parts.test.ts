// The small parts: which calibration wins, how values print, what the PDF fonts can show, which
// lines the tracing draws, and report file names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibrationOf } from '../../src-main/reports/calibration.js';
import { formatDeviation, formatNorm, formatStatus, formatValue, ageInYears } from '../../src-main/reports/format.js';
import { pdfSafe } from '../../src-main/reports/pdf-text.js';
import { tracingScene } from '../../src-main/reports/tracing-scene.js';
import type { LandmarkEntry } from '../../src-main/reports/report-schema.js';

const ruler = { mmPerPx: 0.1023, x1: 0, y1: 0, x2: 100, y2: 0, lengthMm: 10.23 };

test('calibration: stored spacing first, then the ruler, else none', () => {
  const dicom = calibrationOf({ spacing: { rowMm: 0.1, colMm: 0.1, source: 'pixel-spacing' }, ruler });
  assert.deepEqual([dicom.source, dicom.mmPerPixel, dicom.label], ['dicom', 0.1, 'DICOM PixelSpacing 0.100 mm/px']);

  const imager = calibrationOf({ spacing: { rowMm: 0.139, colMm: 0.139, source: 'imager-pixel-spacing' }, ruler: null });
  assert.equal(imager.label, 'DICOM ImagerPixelSpacing 0.139 mm/px');
  assert.match(imager.note!, /magnification/);

  const r = calibrationOf({ spacing: null, ruler });
  assert.deepEqual([r.source, r.mmPerPixel, r.label], ['ruler', 0.1023, 'ruler 0.102 mm/px']);

  const none = calibrationOf({ spacing: null, ruler: null });
  assert.deepEqual([none.source, none.mmPerPixel, none.label], ['none', null, 'uncalibrated']);

  // non-square pixels: coordinates per axis, but no single scale for distances
  const aniso = calibrationOf({ spacing: { rowMm: 0.1, colMm: 0.12, source: 'pixel-spacing' }, ruler });
  assert.deepEqual([aniso.mmPerPixel, aniso.rowMm, aniso.colMm], [null, 0.1, 0.12]);
  assert.match(aniso.label, /non-square/);
});

test('formatting: units, norms, deviations, statuses', () => {
  assert.equal(formatValue(82.345, 'deg'), '82.3°');
  assert.equal(formatValue(-1.04, 'mm'), '-1.0 mm');
  assert.equal(formatValue(-0.04, 'mm'), '0.0 mm', 'no negative zero');
  assert.equal(formatValue(0.6549, 'ratio'), '0.65');
  assert.equal(formatValue(64.21, 'percent'), '64.2 %');
  assert.equal(formatNorm({ mean: 82, sd: 3.5 }, 'deg'), '82.0 ± 3.5°');
  assert.equal(formatDeviation(1.234), '+1.23');
  assert.equal(formatDeviation(-0.001), '0.00');
  assert.equal(formatStatus({ status: 'missing', missing: ['upper_incisor_apex', 'sella'], reason: null }), 'missing: U1A, S');
  assert.equal(formatStatus({ status: 'uncalibrated', missing: [], reason: null }), 'uncalibrated');
  assert.equal(formatStatus({ status: 'cannot_compute', missing: [], reason: 'parallel lines' }), 'cannot compute');
  assert.equal(ageInYears('2010-06-15', '2024-06-14'), 13);
  assert.equal(ageInYears('2010-06-15', '2024-06-15'), 14);
  assert.equal(ageInYears(null, '2024-06-15'), null);
});

test('pdfSafe keeps what the standard fonts show and replaces the rest', () => {
  assert.equal(pdfSafe('Björk-Jarabak 82.0 ± 3.5° – “ok” €'), 'Björk-Jarabak 82.0 ± 3.5° – “ok” €');
  assert.equal(pdfSafe('Co-Gn − Co-A ≥ 2'), 'Co-Gn - Co-A >= 2');
  assert.equal(pdfSafe('Dvořák Łukasz Şahin'), 'Dvorák Lukasz Sahin');
  assert.equal(pdfSafe('王芳'), '??');
});

function lm(id: string, x: number, y: number, extra: Partial<LandmarkEntry> = {}): LandmarkEntry {
  return { id, abbreviation: id, name: id, x, y, xMm: null, yMm: null, confidence: 0.9, source: 'model', edit: 'none', lowConfidence: false, ...extra };
}

test('tracing scene: reference planes always, analysis lines when chosen and placed', () => {
  const pts = [
    lm('sella', 800, 1000),
    lm('nasion', 1470, 1030),
    lm('porion', 600, 1230),
    lm('orbitale', 1290, 1280),
    lm('subspinale', 1375, 1650),
    lm('supramentale', 1386, 2019),
    lm('gonion', 690, 1800, { lowConfidence: true, confidence: 0.1 }),
    lm('gnathion', 1305, 2252),
    lm('menton', 1263, 2272, { source: 'hand', edit: 'moved', confidence: null }),
    lm('pogonion', 1333, 2200),
  ];
  const ids = (analyses: string[]) => tracingScene(pts, analyses).lines.map((l) => l.id);
  assert.deepEqual(ids([]), ['sn', 'fh']);
  assert.deepEqual(ids(['steiner']), ['sn', 'fh', 'na', 'nb', 'go_gn']);
  assert.deepEqual(ids(['downs']), ['sn', 'fh', 'mp', 'facial', 'y_axis', 'a_pog', 'ab']);
  // McNamara's N-perp runs from N towards the chin, perpendicular to FH
  const perp = tracingScene(pts, ['mcnamara']).lines.find((l) => l.id === 'n_perp')!;
  const fh = { x: 1290 - 600, y: 1280 - 1230 };
  const v = { x: perp.b.x - perp.a.x, y: perp.b.y - perp.a.y };
  assert.ok(Math.abs(fh.x * v.x + fh.y * v.y) < 1e-6 * Math.hypot(fh.x, fh.y) * Math.hypot(v.x, v.y));
  assert.ok(v.y > 0);
  // planes are drawn beyond their points, segments end at them
  const sn = tracingScene(pts, []).lines[0];
  assert.ok(sn.a.x < 800 && sn.b.x > 1470);
  const na = tracingScene(pts, ['steiner']).lines.find((l) => l.id === 'na')!;
  assert.deepEqual([na.a, na.b], [{ x: 1470, y: 1030 }, { x: 1375, y: 1650 }]);

  const scene = tracingScene(pts, ['steiner']);
  assert.equal(scene.points.length, pts.length);
  assert.equal(scene.points.find((p) => p.id === 'menton')!.source, 'hand');
  assert.equal(scene.points.find((p) => p.id === 'gonion')!.lowConfidence, true);
  // a line whose landmark is not placed is left out
  assert.ok(!tracingScene(pts.filter((p) => p.id !== 'supramentale'), ['steiner']).lines.some((l) => l.id === 'nb'));
});
