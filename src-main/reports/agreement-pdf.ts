// The printed agreement report (A4): which two sets of tracings, per landmark the radial distance
// between them, per measure ICC(2,1), ICC(3,1), Bland-Altman limits and Dahlberg's error, and a
// Bland-Altman plot for each measure (difference against mean, bias and limits drawn).
import type { MeasureAgreement, TracingAgreement } from '../../src-shared/agreement/tracings.js';
import { formatDateTime } from './format.js';
import { COLOUR, CONTENT_WIDTH, MARGIN, newDocument, stampFooters, table, Writer, type Doc } from './pdf-layout.js';

const f = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
const DISCLAIMER = 'Agreement statistics describe the tracings compared; they are not a diagnosis.';

export async function agreementPdf(r: TracingAgreement, names: { a: string; b: string }, generatedAt = new Date()): Promise<Buffer> {
  const { doc, done } = newDocument({ Title: `Agreement: ${names.a} vs ${names.b}`, Author: 'MedSapiens', Subject: 'ICC, Bland-Altman, Dahlberg', Creator: 'MedSapiens', Producer: 'MedSapiens (pdfkit)', CreationDate: generatedAt });
  const w = new Writer(doc);
  w.text(`Generated ${formatDateTime(generatedAt)}`, MARGIN.left, CONTENT_WIDTH, { size: 8, colour: COLOUR.muted, align: 'right' });
  w.text('Agreement of two sets of tracings', MARGIN.left, CONTENT_WIDTH, { font: 'Helvetica-Bold', size: 16 });
  w.y += 24;
  w.rule();
  w.y += w.text(`a: ${names.a}    b: ${names.b}    ${r.images} images    analyses: ${r.analyses.join(', ')}`, MARGIN.left, CONTENT_WIDTH, { size: 9 }) + 2;
  w.y += w.text('ICC(2,1): two-way random effects, absolute agreement; ICC(3,1): two-way mixed, consistency (Shrout & Fleiss; 95 % intervals of McGraw & Wong). Bland-Altman: bias b - a and limits bias ± 1.96 SD. Dahlberg: sqrt(sum d² / 2n).', MARGIN.left, CONTENT_WIDTH, { size: 7.5, colour: COLOUR.muted }) + 6;

  const u = r.distanceUnit;
  w.heading(`Landmarks: distance between the two placements (${u})`, 11, 30);
  table(
    w,
    [{ title: 'Landmark', width: 160 }, { title: 'n', width: 40, align: 'right' }, { title: `mean ${u}`, width: 60, align: 'right' }, { title: 'SD', width: 50, align: 'right' }, ...(u === 'mm' ? ['2 mm', '2.5 mm', '3 mm', '4 mm'].map((t) => ({ title: `≤ ${t} %`, width: (CONTENT_WIDTH - 310) / 4, align: 'right' as const })) : [])],
    r.landmarks.map((l) => [l.id.replace(/_/g, ' '), String(l.n), f(l.meanDistance), f(l.sdDistance), ...Object.values(l.sdr ?? {}).map((v) => f(v, 1))]),
  );
  w.heading('Measures', 11, 30);
  table(
    w,
    [
      { title: 'Measure', width: 95 },
      { title: 'n', width: 25, align: 'right' },
      { title: 'ICC(2,1) [95 % CI]', width: 100, align: 'right' },
      { title: 'ICC(3,1) [95 % CI]', width: 100, align: 'right' },
      { title: 'bias', width: 40, align: 'right' },
      { title: 'limits of agreement', width: 95, align: 'right' },
      { title: 'Dahlberg', width: CONTENT_WIDTH - 455, align: 'right' },
    ],
    r.measures.map((m) => [
      `${m.name} (${m.unit})`,
      String(m.n),
      m.icc ? `${f(m.icc.icc2.value, 3)} [${f(m.icc.icc2.lower, 2)}, ${f(m.icc.icc2.upper, 2)}]` : '-',
      m.icc ? `${f(m.icc.icc3.value, 3)} [${f(m.icc.icc3.lower, 2)}, ${f(m.icc.icc3.upper, 2)}]` : '-',
      f(m.blandAltman.bias),
      `${f(m.blandAltman.lower)} to ${f(m.blandAltman.upper)}`,
      f(m.dahlberg),
    ]),
  );

  w.heading('Bland-Altman plots (difference b - a against the mean of a and b)', 11, 170);
  const cols = 2;
  const gap = 16;
  const pw = (CONTENT_WIDTH - gap) / cols;
  const ph = 150;
  r.measures.forEach((m, i) => {
    const col = i % cols;
    if (col === 0 && i > 0) w.y += ph + gap;
    if (col === 0) w.ensure(ph + 4);
    blandAltmanPlot(doc, m, { x: MARGIN.left + col * (pw + gap), y: w.y, width: pw, height: ph });
  });
  w.y += ph;
  stampFooters(doc, DISCLAIMER, `${names.a} vs ${names.b}`);
  doc.end();
  return done;
}

function blandAltmanPlot(doc: Doc, m: MeasureAgreement, box: { x: number; y: number; width: number; height: number }): void {
  const ba = m.blandAltman;
  const left = box.x + 30;
  const top = box.y + 14;
  const right = box.x + box.width - 6;
  const bottom = box.y + box.height - 18;
  const xs = ba.points.map((p) => p.mean);
  const ys = [...ba.points.map((p) => p.difference), ba.lower, ba.upper, 0];
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const px = (v: number) => left + ((v - x0) / (x1 - x0)) * (right - left);
  const py = (v: number) => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);
  doc.font('Helvetica-Bold').fontSize(7.5).fillColor(COLOUR.text).text(`${m.name} (${m.unit})`, box.x, box.y, { width: box.width, lineBreak: false });
  doc.rect(left, top, right - left, bottom - top).lineWidth(0.5).strokeColor(COLOUR.rule).stroke();
  const hline = (v: number, colour: string, dash: boolean, label: string) => {
    doc.moveTo(left, py(v)).lineTo(right, py(v)).lineWidth(0.7).strokeColor(colour);
    if (dash) doc.dash(3, { space: 2 });
    doc.stroke().undash();
    doc.font('Helvetica').fontSize(6).fillColor(colour).text(label, right - 60, py(v) - 7, { width: 58, align: 'right', lineBreak: false });
  };
  hline(0, COLOUR.rule, false, '');
  hline(ba.bias, COLOUR.low, false, `bias ${f(ba.bias)}`);
  hline(ba.upper, COLOUR.high, true, `+1.96 SD ${f(ba.upper)}`);
  hline(ba.lower, COLOUR.high, true, `-1.96 SD ${f(ba.lower)}`);
  for (const p of ba.points) doc.circle(px(p.mean), py(p.difference), 1.1).fillOpacity(0.7).fillColor('#333333').fill();
  doc.fillOpacity(1).font('Helvetica').fontSize(6).fillColor(COLOUR.muted);
  doc.text(f(x0, 1), left, bottom + 2, { lineBreak: false });
  doc.text(f(x1, 1), right - 30, bottom + 2, { width: 30, align: 'right', lineBreak: false });
  doc.text('mean', (left + right) / 2 - 10, bottom + 2, { lineBreak: false });
  doc.text(f(y1, 1), box.x, top, { width: 27, align: 'right', lineBreak: false });
  doc.text(f(y0, 1), box.x, bottom - 6, { width: 27, align: 'right', lineBreak: false });
}

function pad(lo: number, hi: number): [number, number] {
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - span * 0.08, hi + span * 0.08];
}
