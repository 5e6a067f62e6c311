// CSV export: one file, three blocks separated by one empty line, each with its own header row.
// The first column of every row names its block, so a reader can also load the whole file and
// split on that column:
//
//   section,key,value                         -> 'case' rows: patient, study, model, calibration
//   section,landmark_id,abbreviation,x,y,x_mm,y_mm,confidence,source,edit,low_confidence
//                                             -> 'landmark' rows, x/y in original image pixels
//   section,analysis,measure_id,measure,value,unit,norm_mean,norm_sd,deviation_sd,flag,status,detail
//                                             -> 'measure' rows
//
// Empty cell = no value (uncalibrated mm, a measure that could not be computed, a field removed
// by anonymising). Text is UTF-8 with a byte-order mark and CRLF line ends, which is what
// spreadsheet programs expect; text cells that a spreadsheet would run as a formula are kept as
// text (util/csv.ts).
import { csvCell } from '../util/csv.js';
import { formatStatus } from './format.js';
import type { ReportData } from './report-schema.js';

export const CSV_HEADERS = {
  case: ['section', 'key', 'value'],
  landmark: ['section', 'landmark_id', 'abbreviation', 'x', 'y', 'x_mm', 'y_mm', 'confidence', 'source', 'edit', 'low_confidence'],
  measure: ['section', 'analysis', 'measure_id', 'measure', 'value', 'unit', 'norm_mean', 'norm_sd', 'deviation_sd', 'flag', 'status', 'detail'],
} as const;

type Cell = string | number | boolean | null;

export function reportToCsv(data: ReportData): string {
  const { patient, study, image } = data.case;
  const c = data.calibration;
  const caseRows: Cell[][] = [
    ['patient_name', patient.name],
    ['patient_id', patient.id],
    ['birth_date', patient.birthDate],
    ['sex', patient.sex],
    ['study_date', study.date],
    ['study_description', study.description],
    ['study_uid', study.uid],
    ['image_id', image.imageId],
    ['image_file', image.fileName],
    ['image_size_px', `${image.width}x${image.height}`],
    ['model', data.model?.name ?? null],
    ['model_version', data.model?.version ?? null],
    ['calibration', c.label],
    ['calibration_source', c.source],
    ['mm_per_pixel', num(c.mmPerPixel, 5)],
    ['generated_at', data.generatedAt],
    ['anonymised', data.anonymised],
    ['disclaimer', data.disclaimer],
  ].map((r) => ['case', ...r]);

  const landmarkRows: Cell[][] = data.landmarks.map((l) => [
    'landmark',
    l.id,
    l.abbreviation,
    num(l.x, 2),
    num(l.y, 2),
    num(l.xMm, 2),
    num(l.yMm, 2),
    num(l.confidence, 3),
    l.source,
    l.edit,
    l.lowConfidence,
  ]);

  const measureRows: Cell[][] = data.analyses.flatMap((a) =>
    a.measures.map((m) => [
      'measure',
      a.id,
      m.id,
      m.name,
      num(m.value, 3),
      m.unit,
      num(m.norm?.mean ?? null, 3),
      num(m.norm?.sd ?? null, 3),
      num(m.deviation, 3),
      m.flag,
      m.status,
      m.status === 'cannot_compute' ? m.reason : formatStatus(m) || null,
    ]),
  );

  const block = (header: readonly string[], rows: Cell[][]) => [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\r\n');
  return '\uFEFF' + [block(CSV_HEADERS.case, caseRows), block(CSV_HEADERS.landmark, landmarkRows), block(CSV_HEADERS.measure, measureRows)].join('\r\n\r\n') + '\r\n';
}

/** A number as text with fixed decimals; numbers are never formula-guarded (they may start with '-'). */
function num(v: number | null, decimals: number): string | null {
  return v === null ? null : Number(v.toFixed(decimals)).toString();
}

function cell(v: Cell): string {
  // numbers arrive here as text (num()); they stay numbers
  return csvCell(v);
}
