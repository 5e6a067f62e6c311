// A patient's studies over time, and their tracings superimposed, from the case database.
import { AppError } from '../../src-shared/errors.js';
import type { Tracing } from '../../src-shared/ceph/types.js';
import { changeTable, type TimePoint } from '../../src-shared/superimposition/change-table.js';
import type { RegistrationId } from '../../src-shared/superimposition/registration.js';
import type { Superimposition, Timeline } from '../../src-shared/superimposition/schema.js';
import type { CaseStore } from '../db/store.js';
import { calibrationOf } from '../reports/calibration.js';
import path from 'node:path';

const DAY_MS = 86_400_000;

/** Years from birth to a study, to a tenth. */
export function ageAt(birthDate: string | null, studyDate: string | null): number | null {
  if (!birthDate || !studyDate) return null;
  const years = (Date.parse(studyDate) - Date.parse(birthDate)) / DAY_MS / 365.2425;
  return Number.isFinite(years) && years >= 0 ? Math.round(years * 10) / 10 : null;
}

export function patientTimeline(store: CaseStore, imageId: number): Timeline {
  const c = store.getCase(imageId);
  const cases = store.listCases({ patientId: c.patient.id, limit: 10000 });
  // dated studies in date order, then undated ones in import order
  cases.sort((a, b) => (a.studyDate ?? '9999').localeCompare(b.studyDate ?? '9999') || a.importedAt.localeCompare(b.importedAt) || a.imageId - b.imageId);
  return {
    patient: { name: c.patient.name, externalId: c.patient.externalId, birthDate: c.patient.birthDate, sex: c.patient.sex },
    entries: cases.map((k, i) => ({
      imageId: k.imageId,
      label: `T${i}`,
      studyDate: k.studyDate,
      ageYears: ageAt(k.birthDate, k.studyDate),
      fileName: path.basename(k.sourcePath),
      traced: k.currentSetId !== null,
      calibrated: calibrationOf(store.getCase(k.imageId).image).mmPerPixel !== null,
    })),
  };
}

/** The cases' current tracings as time points, in the order given (the first is the reference). */
function timePoints(store: CaseStore, imageIds: readonly number[]): TimePoint[] {
  const patients = new Set<number>();
  return imageIds.map((id, i) => {
    const c = store.getCase(id);
    patients.add(c.patient.id);
    if (patients.size > 1) throw new AppError('bad_request', 'the studies superimposed must be of one patient', { imageIds: [...imageIds] });
    if (!c.landmarks || c.landmarks.points.length === 0) throw new AppError('bad_request', `image ${id} has no tracing to superimpose`, { imageId: id });
    const tracing: Tracing = Object.fromEntries(c.landmarks.points.map((p) => [p.landmarkId, { x: p.x, y: p.y }]));
    return {
      tracing,
      mmPerPixel: calibrationOf(c.image).mmPerPixel ?? undefined,
      label: `T${i}${c.study.studyDate ? ` (${c.study.studyDate})` : ''}`,
      date: c.study.studyDate,
      ageYears: ageAt(c.patient.birthDate, c.study.studyDate),
    };
  });
}

export function superimposeCases(store: CaseStore, imageIds: readonly number[], registration: RegistrationId, analyses: readonly string[]): Superimposition {
  if (new Set(imageIds).size !== imageIds.length) throw new AppError('bad_request', 'an image is listed twice');
  return { imageIds: [...imageIds], ...changeTable(timePoints(store, imageIds), registration, analyses) };
}
