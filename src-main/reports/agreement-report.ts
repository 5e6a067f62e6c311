// An agreement as a file: PDF (tables and a Bland-Altman plot per measure), CSV (a row per landmark
// and per measure) or JSON (everything, the Bland-Altman points included). What the API's
// 'agreement.report' and the CLI both call.
import type { TracingAgreement } from '../../src-shared/agreement/tracings.js';
import { toCsv } from '../util/csv.js';
import { agreementPdf } from './agreement-pdf.js';

export type AgreementFormat = 'pdf' | 'csv' | 'json';
const MIME = { pdf: 'application/pdf', csv: 'text/csv', json: 'application/json' } as const;

export async function agreementFile(r: TracingAgreement, names: { a: string; b: string }, format: AgreementFormat): Promise<{ mimeType: string; bytes: Buffer }> {
  const bytes = format === 'json' ? Buffer.from(JSON.stringify(r, null, 2) + '\n') : format === 'csv' ? Buffer.from(agreementCsv(r)) : await agreementPdf(r, names);
  return { mimeType: MIME[format], bytes };
}

export function agreementCsv(r: TracingAgreement): string {
  const rows: Record<string, unknown>[] = [
    ...r.landmarks.map((l) => ({ kind: 'landmark', id: l.id, unit: l.unit, n: l.n, mean_distance: l.meanDistance, sd_distance: l.sdDistance, ...Object.fromEntries(Object.entries(l.sdr ?? {}).map(([k, v]) => [`sdr_${k}`, v])) })),
    ...r.measures.map((m) => ({
      kind: 'measure', id: m.id, unit: m.unit, n: m.n, mean_a: m.meanA, mean_b: m.meanB,
      icc2: m.icc?.icc2.value, icc2_lower: m.icc?.icc2.lower, icc2_upper: m.icc?.icc2.upper,
      icc3: m.icc?.icc3.value, icc3_lower: m.icc?.icc3.lower, icc3_upper: m.icc?.icc3.upper,
      bias: m.blandAltman.bias, loa_lower: m.blandAltman.lower, loa_upper: m.blandAltman.upper, dahlberg: m.dahlberg,
    })),
  ];
  return toCsv(rows);
}
