// A superimposition as a file: PDF (the tracings over the first radiograph and the tables), CSV
// (the change table, a row per measure or landmark and time point) or JSON (everything). What the
// API's 'superimposition.report' and the CLI both call.
import { toCsv } from '../util/csv.js';
import type { RegistrationId } from '../../src-shared/superimposition/registration.js';
import type { Superimposition } from '../../src-shared/superimposition/schema.js';
import type { CaseStore } from '../db/store.js';
import type { ImageLibrary } from '../services/image-library.js';
import { patientTimeline, superimposeCases } from '../services/superimposition.js';
import { encodeRadiograph } from './radiograph-image.js';
import { superimpositionPdf } from './superimposition-pdf.js';

export interface SuperimpositionReportRequest {
  imageIds: number[];
  registration: RegistrationId;
  analyses: string[];
  format: 'pdf' | 'csv' | 'json';
}

const MIME = { pdf: 'application/pdf', csv: 'text/csv', json: 'application/json' } as const;

export async function superimpositionReport(deps: { store: CaseStore; library: Pick<ImageLibrary, 'load'> }, req: SuperimpositionReportRequest): Promise<{ fileName: string; mimeType: string; bytes: Buffer; superimposition: Superimposition }> {
  const s = superimposeCases(deps.store, req.imageIds, req.registration, req.analyses);
  const fileName = `superimposition-${req.registration}-${req.imageIds.join('-')}.${req.format}`;
  let bytes: Buffer;
  if (req.format === 'json') bytes = Buffer.from(JSON.stringify(s, null, 2) + '\n');
  else if (req.format === 'csv') bytes = Buffer.from(changeTableCsv(s));
  else {
    const c = deps.store.getCase(req.imageIds[0]);
    const img = await deps.library.load(c.image.sha256, c.image.sourcePath);
    bytes = await superimpositionPdf(s, patientTimeline(deps.store, req.imageIds[0]).patient, { image: await encodeRadiograph(img), width: img.width, height: img.height });
  }
  return { fileName, mimeType: MIME[req.format], bytes, superimposition: s };
}

export function changeTableCsv(s: Superimposition): string {
  const rows: Record<string, unknown>[] = [];
  const reg = s.registration.registration;
  for (const m of s.measures) {
    s.timePoints.forEach((t, i) => rows.push({ registration: reg, kind: 'measure', id: m.id, unit: m.unit, time_point: t.label, date: t.date, age_years: t.ageYears, value: m.values[i], change: m.changes[i] }));
  }
  for (const l of s.landmarks) {
    s.timePoints.forEach((t, i) =>
      rows.push({ registration: reg, kind: 'landmark', id: l.id, unit: 'mm', time_point: t.label, date: t.date, age_years: t.ageYears, x: l.positions[i]?.x, y: l.positions[i]?.y, dx: l.displacements[i]?.dx, dy: l.displacements[i]?.dy, distance: l.displacements[i]?.d }),
    );
  }
  return toCsv(rows);
}
