// Anonymising works on the report model, before any rendering, so no format can leak what is no
// longer in it: PDF text and metadata, CSV, JSON and the file name all come from this object.
// Removed: patient name, patient ID, birth date, the study UID and the original file name (paths
// and file names of radiographs often carry the patient's name). Kept: sex, the study date and
// description (with any identifier found in the free text blanked), the landmarks and values.
import type { ReportData } from './report-schema.js';

export const REDACTED = '[removed]';

export function anonymiseReport(data: ReportData): ReportData {
  const { patient } = data.case;
  const scrub = scrubber(identifiersOf(patient));
  return {
    ...data,
    anonymised: true,
    case: {
      patient: { name: null, id: null, birthDate: null, sex: patient.sex },
      study: { date: data.case.study.date, description: data.case.study.description === null ? null : scrub(data.case.study.description), uid: null },
      image: { ...data.case.image, fileName: null },
    },
  };
}

/** The strings that identify the patient, in the spellings they are likely to appear in. */
export function identifiersOf(patient: ReportData['case']['patient']): string[] {
  const out: string[] = [];
  if (patient.name) {
    out.push(patient.name);
    // a description may name the patient in another order or by one name only
    for (const part of patient.name.split(/[\s^,]+/)) if (part.length >= 3) out.push(part);
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
