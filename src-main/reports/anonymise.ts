// Anonymising works on the report model, before any rendering, so no format can leak what is no
// longer in it: PDF text and metadata, CSV, JSON and the file name all come from this object.
// Removed: patient name, patient ID, birth date, the study UID and the original file name (paths
// and file names of radiographs often carry the patient's name). Dates are kept to the year at
// most (the study's, the report's, any written in the description), or dropped. Kept: sex, the
// study description (identifiers and dates in the free text blanked), the landmarks and values.
// Text burnt into the radiograph's pixels is not removed: the PDF says so.
import type { ReportData } from './report-schema.js';

export const REDACTED = '[removed]';

/** how much of a date an anonymised report keeps */
export type DatePrecision = 'year' | 'none';

export function anonymiseReport(data: ReportData, dates: DatePrecision = 'year'): ReportData {
  const { patient } = data.case;
  const scrubIds = scrubber(identifiersOf(patient));
  const scrub = (t: string) => scrubDates(scrubIds(t), dates);
  const studyYear = data.case.study.date?.slice(0, 4) ?? null;
  return {
    ...data,
    generatedAt: data.generatedAt.slice(0, 4),
    anonymised: true,
    // when the tracing was made and reviewed dates the visit as well
    landmarkSet: { ...data.landmarkSet, createdAt: data.landmarkSet.createdAt.slice(0, 4), reviewedAt: data.landmarkSet.reviewedAt?.slice(0, 4) ?? null },
    case: {
      patient: { name: null, id: null, birthDate: null, sex: patient.sex },
      study: { date: dates === 'year' ? studyYear : null, description: data.case.study.description === null ? null : scrub(data.case.study.description), uid: null },
      image: { ...data.case.image, fileName: null },
    },
  };
}

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
/** dates written in free text, each with the group that holds its year */
const DATE_FORMS: RegExp[] = [
  /(?<!\d)(\d{4})[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])(?!\d)/g, // 2024-05-06, 2024/5/6
  /(?<!\d)(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|[12]\d|3[01])[-./](\d{4})(?!\d)/g, // 06.05.2024, 5/6/2024
  /(?<!\d)((?:19|20)\d{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)/g, // 20240506 (DICOM)
  new RegExp(`(?<![\\p{L}\\d])(?:\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH},?\\s+)(\\d{4})(?!\\d)`, 'giu'), // 6 May 2024
  new RegExp(`(?<![\\p{L}\\d])${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+(\\d{4})(?!\\d)`, 'giu'), // May 6, 2024
  new RegExp(`(?<![\\p{L}\\d])${MONTH}\\s+(\\d{4})(?!\\d)`, 'giu'), // May 2024
];

/** Dates in free text cut to their year (or removed). */
export function scrubDates(text: string, dates: DatePrecision): string {
  let t = text;
  for (const re of DATE_FORMS) t = t.replace(re, (_m, y: string) => (dates === 'year' ? y : REDACTED));
  return t;
}

/** The strings that identify the patient, in the spellings they are likely to appear in. */
export function identifiersOf(patient: ReportData['case']['patient']): string[] {
  const out: string[] = [];
  if (patient.name) {
    out.push(patient.name);
    // a description may name the patient in another order, by one name or an initial only; a
    // DICOM name has groups (alphabetic=ideographic=phonetic) of components (family^given^...)
    for (const group of patient.name.split('=')) {
      if (group.trim()) out.push(group.trim(), group.replace(/\^+/g, ' ').trim(), group.replace(/[\^\s]+/g, ''));
      for (const part of group.split(/[\s^,]+/)) if (part) out.push(part, ...part.split(/[-'’.]+/).filter(Boolean));
    }
  }
  if (patient.id) out.push(patient.id);
  if (patient.birthDate) {
    const [y, m, d] = patient.birthDate.split('-');
    out.push(patient.birthDate, `${y}${m}${d}`, `${d}.${m}.${y}`, `${d}/${m}/${y}`, `${m}/${d}/${y}`);
  }
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

function scrubber(identifiers: string[]): (text: string) => string {
  if (identifiers.length === 0) return (t) => t;
  const escaped = identifiers.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // whole words only: a short ID must not blank part of an unrelated number or word
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  return (t) => t.replace(re, REDACTED);
}
