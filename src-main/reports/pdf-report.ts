// The printed report (A4): who and what (patient, study, model, calibration), the traced
// radiograph, the landmarks to review, one table per analysis, the norm sources, and on every
// page the disclaimer and page number. Tables continue on new pages with their header repeated.
// Everything printed comes from the report model; identifying metadata (Title, Subject, ...)
// too, so an anonymised model gives an anonymised file.
import { abbreviation, ageInYears, formatDateTime, formatDeviation, formatFlag, formatNorm, formatStatus, formatValue } from './format.js';
import { drawLegend, drawTracedImage, fitImage } from './pdf-tracing.js';
import { pdfSafe } from './pdf-text.js';
import { BOTTOM, COLOUR, CONTENT_WIDTH, MARGIN, newDocument, PAGE, stampFooters, Writer, type Doc } from './pdf-layout.js';
import type { EncodedImage } from './radiograph-image.js';
import type { AnalysisEntry, MeasureEntry, ReportData } from './report-schema.js';
import { tracingScene } from './tracing-scene.js';
import { describeIsbiClass } from '../../src-shared/ceph/isbi-classification.js';

/** Table columns: measure, value, norm, deviation, flag (widths add up to the content width). */
const COLS = [
  { title: 'Measure', width: 215 },
  { title: 'Value', width: 75 },
  { title: 'Norm (mean ± SD)', width: 105 },
  { title: 'Dev. (SD)', width: 60 },
  { title: 'Flag', width: CONTENT_WIDTH - 215 - 75 - 105 - 60 },
];
const CELL_PAD = 4;

/** Identifying document metadata (Title, Author, Subject, Keywords) from the report model. */
export function pdfInfo(data: ReportData): PDFKit.DocumentInfo {
  const p = data.case.patient;
  const who = data.anonymised ? 'anonymised' : [p.name, p.id].filter(Boolean).join(', ') || `image ${data.case.image.imageId}`;
  return {
    Title: pdfSafe(`Cephalometric report (${who})`),
    Author: 'MedSapiens',
    Subject: pdfSafe(`Cephalometric analyses: ${data.analyses.map((a) => a.name).join(', ')}`),
    Keywords: pdfSafe(['cephalometry', ...data.analyses.map((a) => a.id)].join(', ')),
    Creator: 'MedSapiens',
    Producer: 'MedSapiens (pdfkit)',
    // the format needs a creation date; an anonymised report keeps the year only: January 1st
    CreationDate: new Date(/^\d{4}$/.test(data.generatedAt) ? `${data.generatedAt}-01-01T00:00:00Z` : data.generatedAt),
  };
}

export async function renderPdf(data: ReportData, image: EncodedImage): Promise<Buffer> {
  const { doc, done } = newDocument(pdfInfo(data));

  const w = new Writer(doc);
  header(w, data);
  tracing(w, data, image);
  for (const a of data.analyses) analysisTable(w, a);
  normSources(w, data);
  footers(doc, data);

  doc.end();
  return done;
}

function header(w: Writer, data: ReportData): void {
  const { patient, study, image } = data.case;
  w.text(`Generated ${/^\d{4}$/.test(data.generatedAt) ? data.generatedAt : formatDateTime(new Date(data.generatedAt))}`, MARGIN.left, CONTENT_WIDTH, { size: 8, colour: COLOUR.muted, align: 'right' });
  w.text('Cephalometric report', MARGIN.left, CONTENT_WIDTH, { font: 'Helvetica-Bold', size: 16 });
  w.y += 24;
  w.rule();

  const colW = (CONTENT_WIDTH - 20) / 2;
  const age = ageInYears(patient.birthDate, study.date);
  const left: [string, string][] = data.anonymised
    ? [
        ['Patient', 'anonymised (name, patient ID and birth date removed; dates kept to the year). Text burnt into the radiograph itself is not removed: check the image.'],
        ['Sex', patient.sex ?? '-'],
      ]
    : [
        ['Patient', patient.name ?? '-'],
        ['Patient ID', patient.id ?? '-'],
        ['Birth date', patient.birthDate ? `${patient.birthDate}${age !== null ? ` (age ${age} at the study)` : ''}` : '-'],
        ['Sex', patient.sex ?? '-'],
      ];
  left.push([data.anonymised ? 'Study year' : 'Study date', study.date ?? '-'], ['Study', study.description ?? '-']);
  const right: [string, string][] = [
    ['Model', data.model ? `${data.model.name} ${data.model.version}` : 'none recorded'],
    ['Calibration', data.calibration.label],
    ['Landmarks', `set ${data.landmarkSet.id}, ${data.landmarkSet.edited ? 'edited by hand' : 'as detected by the model'}`],
    ['Image', `${image.fileName ? `${image.fileName}, ` : ''}${image.width} x ${image.height} px`],
  ];
  if (data.calibration.note) right.push(['', data.calibration.note]);

  const top = w.y;
  const leftEnd = keyValues(w, left, MARGIN.left, colW);
  w.y = top;
  const rightEnd = keyValues(w, right, MARGIN.left + colW + 20, colW);
  w.y = Math.max(leftEnd, rightEnd) + 4;
  w.rule();
}

function keyValues(w: Writer, rows: [string, string][], x: number, width: number): number {
  const keyW = 62;
  for (const [k, v] of rows) {
    w.text(k, x, keyW, { font: 'Helvetica-Bold', size: 8.5 });
    w.y += w.text(v, x + keyW, width - keyW, { size: 8.5 }) + 2;
  }
  return w.y;
}

function tracing(w: Writer, data: ReportData, image: EncodedImage): void {
  const scene = tracingScene(
    data.landmarks,
    data.analyses.map((a) => a.id),
  );
  const sideW = 150;
  const area = { x: MARGIN.left, y: w.y, width: CONTENT_WIDTH - sideW - 15, height: Math.min(400, BOTTOM - w.y - 20) };
  const box = fitImage(data.case.image.width, data.case.image.height, area);
  drawTracedImage(w.doc, image, data.case.image, scene, box);
  const sideX = box.x + box.width + 15;
  const legendEnd = drawLegend(w.doc, scene, sideX, box.y, sideW);

  // the review list goes beside the image when it fits there, else below it at full width
  const top = legendEnd + 10;
  const side = top + reviewFlagsHeight(w.doc, data, sideW) <= box.y + box.height;
  if (side) {
    w.y = top;
    reviewFlags(w, data, sideX, sideW);
  }
  w.y = Math.max(box.y + box.height, side ? w.y : legendEnd) + 4;
  w.text(
    `Image ${data.case.image.width} x ${data.case.image.height} px; landmark coordinates are original image pixels.`,
    MARGIN.left,
    CONTENT_WIDTH,
    { size: 7, colour: COLOUR.muted },
  );
  w.y += 14;
  if (!side) {
    reviewFlags(w, data, MARGIN.left, CONTENT_WIDTH);
  }
}

function flagLines(data: ReportData): { text: string; colour: string }[] {
  const set = data.landmarkSet;
  const reviewed = set.reviewedAt
    ? { text: `Tracing reviewed by the clinician (${set.reviewedAt.slice(0, 10)}).`, colour: COLOUR.text }
    : { text: 'Tracing NOT marked reviewed by a clinician.', colour: COLOUR.high };
  const check = set.check && !set.check.isCephalogram ? [{ text: 'The model judged this image not to be a lateral cephalogram; traced anyway at the user\'s request.', colour: COLOUR.high }] : [];
  const turned = set.check && set.check.orientation !== 'upright, profile facing right' ? [{ text: `Image straightened for tracing: ${set.check.orientation}.`, colour: COLOUR.text }] : [];
  const none = set.check ? 'No landmark flagged by the model; none moved or placed by hand.' : "None: every landmark is the model's, with a confidence of at least 0.3.";
  const flags = data.flags.length === 0 ? [{ text: none, colour: COLOUR.text }] : data.flags.map((f) => ({ text: f.message, colour: f.kind === 'low_confidence' || f.kind === 'flagged' ? COLOUR.high : COLOUR.text }));
  return [reviewed, ...check, ...turned, ...flags];
}

const FLAG_SIZE = 8;
const BULLET_INDENT = 9;

function reviewFlagsHeight(d: Doc, data: ReportData, width: number): number {
  d.font('Helvetica').fontSize(FLAG_SIZE);
  return 16 + flagLines(data).reduce((h, l) => h + d.heightOfString(pdfSafe(l.text), { width: width - BULLET_INDENT }) + 1.5, 0);
}

function reviewFlags(w: Writer, data: ReportData, x: number, width: number): void {
  w.ensure(28);
  w.y += w.text('Landmarks to review', x, width, { font: 'Helvetica-Bold', size: 9 }) + 3;
  for (const l of flagLines(data)) {
    w.ensure(11);
    w.text('•', x + 2, BULLET_INDENT, { size: FLAG_SIZE, colour: l.colour });
    w.y += w.text(l.text, x + BULLET_INDENT, width - BULLET_INDENT, { size: FLAG_SIZE, colour: l.colour }) + 1.5;
  }
  w.y += 6;
}

function analysisTable(w: Writer, a: AnalysisEntry): void {
  const d = w.doc;
  const firstRow = rowHeight(d, a.measures[0], a.id);
  w.heading(`${a.name}`, 11, 16 + firstRow + (a.missing.length ? 12 : 0));
  const sub = `Norms: ${a.normSet}` + (a.missing.length ? `.  Landmarks not placed: ${a.missing.map(abbreviation).join(', ')}` : '');
  w.y += w.text(sub, MARGIN.left, CONTENT_WIDTH, { size: 7.5, colour: COLOUR.muted }) + 3;

  tableHeader(w);
  a.measures.forEach((m, i) => {
    const h = rowHeight(d, m, a.id);
    if (w.ensure(h)) {
      w.y += w.text(`${a.name} (continued)`, MARGIN.left, CONTENT_WIDTH, { font: 'Helvetica-Bold', size: 9 }) + 3;
      tableHeader(w);
    }
    if (i % 2 === 1) d.rect(MARGIN.left, w.y, CONTENT_WIDTH, h).fillColor(COLOUR.stripe).fill();
    measureRow(w, m, h, a.id);
  });
  d.moveTo(MARGIN.left, w.y).lineTo(MARGIN.left + CONTENT_WIDTH, w.y).lineWidth(0.5).strokeColor(COLOUR.rule).stroke();
  w.y += 14;
}

function tableHeader(w: Writer): void {
  const h = 14;
  w.doc.rect(MARGIN.left, w.y, CONTENT_WIDTH, h).fillColor(COLOUR.header).fill();
  let x = MARGIN.left;
  const y0 = w.y;
  for (const c of COLS) {
    w.y = y0 + 3.5;
    w.text(c.title, x + CELL_PAD, c.width - 2 * CELL_PAD, { font: 'Helvetica-Bold', size: 8 });
    x += c.width;
  }
  w.y = y0 + h;
}

/** The measure's name, and for the ISBI classification the class its value falls in with the
 *  threshold, e.g. "ANB: Class II (ANB > 5.7°)". */
function measureLabel(m: MeasureEntry, analysisId: string): string {
  const cls = analysisId === 'isbi2015' && m.status === 'ok' && m.value !== null ? describeIsbiClass(m.id, m.value) : null;
  return cls ? `${m.name}: ${cls.text}` : m.name;
}

function rowHeight(d: Doc, m: MeasureEntry | undefined, analysisId = ''): number {
  if (!m) return 14;
  d.font('Helvetica').fontSize(8.5);
  const nameH = d.heightOfString(pdfSafe(measureLabel(m, analysisId)), { width: COLS[0].width - 2 * CELL_PAD });
  const restW = COLS.slice(1).reduce((s, c) => s + c.width, 0) - 2 * CELL_PAD;
  const statusH = m.status === 'ok' ? 0 : d.heightOfString(pdfSafe(formatStatus(m)), { width: restW });
  return Math.max(nameH, statusH) + 6;
}

function measureRow(w: Writer, m: MeasureEntry, h: number, analysisId: string): void {
  const y0 = w.y;
  const at = (i: number) => MARGIN.left + COLS.slice(0, i).reduce((s, c) => s + c.width, 0) + CELL_PAD;
  const width = (i: number) => COLS[i].width - 2 * CELL_PAD;
  const cell = (i: number, s: string, opts: Parameters<Writer['text']>[3] = {}) => {
    w.y = y0 + 3;
    w.text(s, at(i), width(i), { size: 8.5, ...opts });
  };

  cell(0, measureLabel(m, analysisId));
  if (m.status === 'ok' && m.value !== null) {
    cell(1, formatValue(m.value, m.unit), { font: 'Helvetica-Bold' });
    cell(2, m.norm ? formatNorm(m.norm, m.unit) : 'no norm');
    cell(3, m.deviation !== null ? formatDeviation(m.deviation) : '');
    if (m.flag === 'high' || m.flag === 'low') cell(4, formatFlag(m.flag), { font: 'Helvetica-Bold', colour: m.flag === 'high' ? COLOUR.high : COLOUR.low });
  } else {
    // one cell across value..flag: the reason is the information, not the empty columns
    w.y = y0 + 3;
    const restW = COLS.slice(1).reduce((s, c) => s + c.width, 0) - 2 * CELL_PAD;
    w.text(formatStatus(m), at(1), restW, { font: 'Helvetica-Oblique', size: 8.5, colour: COLOUR.muted });
  }
  w.y = y0 + h;
}

function normSources(w: Writer, data: ReportData): void {
  const sources = [...new Set(data.analyses.flatMap((a) => a.measures.map((m) => m.norm?.source).filter((s): s is string => !!s)))];
  if (sources.length === 0) return;
  w.heading('Norm sources', 9, 10);
  for (const s of sources) {
    w.ensure(10);
    w.y += w.text(`•  ${s}`, MARGIN.left + 4, CONTENT_WIDTH - 4, { size: 7, colour: COLOUR.muted }) + 1;
  }
}

function footers(doc: Doc, data: ReportData): void {
  const p = data.case.patient;
  const who = data.anonymised ? 'Anonymised report' : [p.name, p.id].filter(Boolean).join(', ') || `Image ${data.case.image.imageId}`;
  stampFooters(doc, data.disclaimer, who);
}
