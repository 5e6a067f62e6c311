// Clinical reports: PDF, CSV and JSON from a case, optionally anonymised.
export { createReport, REPORT_FORMATS, type CreateReportInput, type CreatedReport } from './create-report.js';
export { createReportHandler, reportForCase, type CaseReportDeps, type CaseReportRequest, type ReportHandler } from './case-report.js';
export { buildReportData, checkAnalysisIds, requireLandmarks, type ReportDataInput } from './report-data.js';
export { anonymiseReport, identifiersOf, REDACTED } from './anonymise.js';
export { calibrationOf } from './calibration.js';
export { CSV_HEADERS, reportToCsv } from './csv-export.js';
export { parseReportJson, reportToJson } from './json-export.js';
export { MIME_TYPES, reportFileName, type ReportFormat } from './file-name.js';
export { formatDeviation, formatNorm, formatStatus, formatValue } from './format.js';
export {
  DISCLAIMER,
  LOW_CONFIDENCE,
  REPORT_FORMAT_ID,
  REPORT_SCHEMA_VERSION,
  ReportSchema,
  type AnalysisEntry,
  type Calibration,
  type FlagEntry,
  type LandmarkEntry,
  type MeasureEntry,
  type ReportData,
} from './report-schema.js';
