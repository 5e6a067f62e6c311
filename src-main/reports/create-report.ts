// One report from one case: build the model, anonymise it if asked, render the format.
import { AppError } from '../../src-shared/errors.js';
import type { CaseDetail } from '../db/store.js';
import { anonymiseReport, type DatePrecision } from './anonymise.js';
import { reportToCsv } from './csv-export.js';
import { MIME_TYPES, type ReportFormat, reportFileName } from './file-name.js';
import { reportToJson } from './json-export.js';
import { renderPdf } from './pdf-report.js';
import { encodeRadiograph, type GreyImage } from './radiograph-image.js';
import { buildReportData } from './report-data.js';

export const REPORT_FORMATS = ['pdf', 'csv', 'json'] as const satisfies readonly ReportFormat[];

export interface CreateReportInput {
  /** the case as the store returns it; its current landmark points are what is reported */
  case: CaseDetail;
  /** the decoded image of the case: required for a PDF, which shows it; CSV and JSON do not use it */
  image?: GreyImage;
  /** ids from ANALYSES */
  analyses: string[];
  format: ReportFormat;
  anonymise: boolean;
  /** anonymised: dates kept to the year (default) or dropped */
  anonymiseDates?: DatePrecision;
  /** the model that placed the landmarks, printed in the report; null if none is recorded */
  model: { name: string; version: string } | null;
  /** norm set for every analysis; default: each analysis's own default */
  normSet?: string;
  generatedAt?: Date;
}

export interface CreatedReport {
  fileName: string;
  mimeType: string;
  bytes: Buffer;
}

export async function createReport(input: CreateReportInput): Promise<CreatedReport> {
  if (!(REPORT_FORMATS as readonly string[]).includes(input.format)) {
    throw new AppError('bad_request', `unknown report format '${String(input.format)}'`, { known: [...REPORT_FORMATS] });
  }
  const full = buildReportData({ case: input.case, analyses: input.analyses, model: input.model, normSet: input.normSet, generatedAt: input.generatedAt });
  const data = input.anonymise ? anonymiseReport(full, input.anonymiseDates ?? 'year') : full;

  let bytes: Buffer;
  switch (input.format) {
    case 'pdf': {
      const { width, height } = input.case.image;
      if (!input.image) throw new AppError('bad_request', 'a PDF report needs the decoded image');
      if (input.image.width !== width || input.image.height !== height) {
        // landmarks are in the stored image's pixels: drawn on another size they would be misplaced
        throw new AppError('conflict', `the image is ${input.image.width}x${input.image.height} but the case says ${width}x${height}`, {
          imageId: input.case.image.id,
        });
      }
      bytes = await renderPdf(data, await encodeRadiograph(input.image));
      break;
    }
    case 'csv':
      bytes = Buffer.from(reportToCsv(data), 'utf8');
      break;
    case 'json':
      bytes = Buffer.from(reportToJson(data), 'utf8');
      break;
  }
  return { fileName: reportFileName(data, input.format), mimeType: MIME_TYPES[input.format], bytes };
}
