// JSON export: the report model itself, checked against ReportSchema on the way out, so what
// leaves the process is exactly what the published schema says (and a reader can check it with
// the same schema via parseReportJson).
import { z } from 'zod';
import { AppError } from '../../src-shared/errors.js';
import { type ReportData, ReportSchema } from './report-schema.js';

export function reportToJson(data: ReportData): string {
  const r = ReportSchema.safeParse(data);
  // a failure is our bug, not the user's: the model was built by this module
  if (!r.success) throw new AppError('internal', `report does not match its schema: ${z.prettifyError(r.error)}`);
  return JSON.stringify(r.data, null, 2) + '\n';
}

export function parseReportJson(text: string): ReportData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AppError('bad_request', `not JSON: ${(e as Error).message}`);
  }
  const r = ReportSchema.safeParse(raw);
  if (!r.success) throw new AppError('bad_request', `not a MedSapiens report: ${z.prettifyError(r.error)}`);
  return r.data;
}
