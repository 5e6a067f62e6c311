// One patient's studies together in the case list. The list comes newest import first; a patient
// takes the place of their newest case, their studies under them newest study first (a study
// without a date by its import date), so a follow-up film brings the whole patient to the top.
import type { CaseSummary } from '../../src-shared/api/contract.js';

export interface PatientGroup {
  patientRecord: number;
  cases: CaseSummary[];
}

const when = (c: CaseSummary) => c.studyDate ?? c.createdAt.slice(0, 10);

export function groupByPatient(cases: readonly CaseSummary[]): PatientGroup[] {
  const groups = new Map<number, PatientGroup>();
  for (const c of cases) {
    const g = groups.get(c.patientRecord);
    if (g) g.cases.push(c);
    else groups.set(c.patientRecord, { patientRecord: c.patientRecord, cases: [c] });
  }
  for (const g of groups.values()) g.cases.sort((a, b) => when(b).localeCompare(when(a)) || b.imageId - a.imageId);
  return [...groups.values()];
}
