// The printed superimposition (A4): who and which studies, the registration used, the tracings
// drawn over the first study's radiograph each in its own colour, the change table of the
// measures and each landmark's displacement in the registration frame.
import { OUTLINE, timePointColour } from '../../src-shared/superimposition/drawing.js';
import type { Superimposition, Timeline } from '../../src-shared/superimposition/schema.js';
import { abbreviation, formatDateTime } from './format.js';
import { fitImage } from './pdf-tracing.js';
import { BOTTOM, COLOUR, CONTENT_WIDTH, MARGIN, newDocument, stampFooters, table, Writer } from './pdf-layout.js';
import type { EncodedImage } from './radiograph-image.js';
import { DISCLAIMER } from './report-schema.js';

// no '-0.0': a change that rounds to nothing reads as none
const num = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? '-' : (Number(v.toFixed(d)) || 0).toFixed(d));

export async function superimpositionPdf(s: Superimposition, patient: Timeline['patient'], first: { image: EncodedImage; width: number; height: number }, generatedAt = new Date()): Promise<Buffer> {
  const who = [patient.name, patient.externalId].filter(Boolean).join(', ') || `image ${s.imageIds[0]}`;
  const { doc, done } = newDocument({ Title: `Superimposition (${who})`, Author: 'MedSapiens', Subject: s.registration.name, Creator: 'MedSapiens', Producer: 'MedSapiens (pdfkit)', CreationDate: generatedAt });
  const w = new Writer(doc);
  w.text(`Generated ${formatDateTime(generatedAt)}`, MARGIN.left, CONTENT_WIDTH, { size: 8, colour: COLOUR.muted, align: 'right' });
  w.text('Superimposition', MARGIN.left, CONTENT_WIDTH, { font: 'Helvetica-Bold', size: 16 });
  w.y += 24;
  w.rule();
  w.y += w.text(`Patient: ${who}${patient.birthDate ? `, born ${patient.birthDate}` : ''}`, MARGIN.left, CONTENT_WIDTH, { size: 9 }) + 2;
  w.y += w.text(`Registration: ${s.registration.name}: ${s.registration.description}. Tracings are compared in millimetres, each at its own pixel spacing, moved rigidly (never scaled).`, MARGIN.left, CONTENT_WIDTH, { size: 9 }) + 2;
  s.registration.usedPoints.forEach((pts, i) => {
    const res = s.registration.residualMm[i];
    w.y += w.text(`${s.timePoints[i + 1].label} on ${s.timePoints[0].label}: ${pts.map(abbreviation).join(', ')}${res !== null ? `; points left ${num(res, 2)} mm apart (RMS)` : ''}`, MARGIN.left + 8, CONTENT_WIDTH - 8, { size: 8, colour: COLOUR.muted }) + 1;
  });
  w.y += 4;

  // the tracings over the first radiograph, and the key beside it
  const sideW = 130;
  const area = { x: MARGIN.left, y: w.y, width: CONTENT_WIDTH - sideW - 12, height: Math.min(380, BOTTOM - w.y - 20) };
  const box = fitImage(first.width, first.height, area);
  const k = box.width / first.width;
  doc.save();
  doc.rect(box.x, box.y, box.width, box.height).clip();
  doc.image(first.image.data, box.x, box.y, { width: box.width, height: box.height });
  s.onFirstImage.forEach((pts, i) => {
    const colour = timePointColour(i);
    for (const [a, b] of OUTLINE) {
      if (!pts[a] || !pts[b]) continue;
      doc.moveTo(box.x + pts[a].x * k, box.y + pts[a].y * k).lineTo(box.x + pts[b].x * k, box.y + pts[b].y * k).lineWidth(0.8).strokeOpacity(0.95).strokeColor(colour).stroke();
    }
    for (const p of Object.values(pts)) doc.circle(box.x + p.x * k, box.y + p.y * k, 1.4).fillOpacity(1).fillColor(colour).fill();
  });
  doc.restore();
  doc.rect(box.x, box.y, box.width, box.height).lineWidth(0.5).strokeColor('#444444').stroke();
  let ky = box.y;
  const kx = box.x + box.width + 12;
  s.timePoints.forEach((t, i) => {
    doc.rect(kx, ky + 1, 14, 6).fillColor(timePointColour(i)).fill();
    doc.font('Helvetica').fontSize(8).fillColor(COLOUR.text).text(`${t.label}${t.ageYears !== null ? `, age ${num(t.ageYears)}` : ''}`, kx + 18, ky, { width: sideW - 18 });
    ky += 14;
  });
  w.y = box.y + box.height + 12;

  const tps = s.timePoints;
  const later = tps.slice(1);
  if (s.measures.length) {
    w.heading(`Measures (${s.analyses.join(', ')})`, 11, 30);
    const valueW = 56;
    const changeW = 56;
    const nameW = CONTENT_WIDTH - 40 - valueW * tps.length - changeW * later.length;
    table(
      w,
      [{ title: 'Measure', width: nameW }, { title: 'Unit', width: 40 }, ...tps.map((t) => ({ title: t.label.split(' ')[0], width: valueW, align: 'right' as const })), ...later.map((t) => ({ title: `change ${t.label.split(' ')[0]}`, width: changeW, align: 'right' as const }))],
      s.measures.map((m) => [m.name, m.unit, ...m.values.map((v) => num(v)), ...m.changes.slice(1).map((c) => (c === null ? '-' : `${c > 0 ? '+' : ''}${num(c)}`))]),
    );
  }
  w.heading(`Landmark displacement from ${tps[0].label.split(' ')[0]}, mm (x forward along the reference line, y down)`, 10, 30);
  const per = (CONTENT_WIDTH - 140) / later.length;
  table(
    w,
    [{ title: 'Landmark', width: 140 }, ...later.map((t) => ({ title: `${t.label.split(' ')[0]}: x / y / distance`, width: per, align: 'right' as const }))],
    s.landmarks.map((l) => [`${abbreviation(l.id)}  ${l.id.replace(/_/g, ' ')}`, ...l.displacements.slice(1).map((d) => (d ? `${num(d.dx)} / ${num(d.dy)} / ${num(d.d)}` : '-'))]),
  );
  stampFooters(doc, DISCLAIMER, who);
  doc.end();
  return done;
}
