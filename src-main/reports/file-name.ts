// Report file names: who and when at a glance in a folder, safe on every file system, and for an
// anonymised report built only from what the anonymised model still holds.
import type { ReportData } from './report-schema.js';

export type ReportFormat = 'pdf' | 'csv' | 'json';

export const MIME_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};

function slug(s: string): string {
  return s
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);
}

export function reportFileName(data: ReportData, format: ReportFormat): string {
  const { patient, study, image } = data.case;
  const who = data.anonymised ? 'anon' : slug(patient.id ?? patient.name ?? '') || 'case';
  // anonymised: the year only, like every date in the report
  const when = data.anonymised ? (study.date ?? data.generatedAt).slice(0, 4) : (study.date ?? data.generatedAt.slice(0, 10));
  // the image id keeps two images of one patient and day apart (batch reports into one folder)
  return `ceph-report_${who}_${when}_img${image.imageId}.${format}`;
}
