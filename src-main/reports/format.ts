// How values read in the printed report. One place, so the PDF, its tests and any other
// human-readable output print a measure the same way.
import { landmarkById } from '../../src-shared/landmarks.js';
import type { MeasureEntry } from './report-schema.js';

type Unit = MeasureEntry['unit'];

const DECIMALS: Record<Unit, number> = { deg: 1, mm: 1, ratio: 2, percent: 1 };
const SUFFIX: Record<Unit, string> = { deg: '°', mm: ' mm', ratio: '', percent: ' %' };

/** '82.3°', '-1.5 mm', '0.65', '64.2 %' */
export function formatValue(value: number, unit: Unit): string {
  return `${fixed(value, DECIMALS[unit])}${SUFFIX[unit]}`;
}

/** '82.0 ± 3.5°' */
export function formatNorm(norm: { mean: number; sd: number }, unit: Unit): string {
  return `${fixed(norm.mean, DECIMALS[unit])} ± ${fixed(norm.sd, DECIMALS[unit])}${SUFFIX[unit]}`;
}

/** '+1.32', '-0.40' (in SD). Two decimals: with one, a flagged 1.02 SD would print as '+1.0'. */
export function formatDeviation(deviation: number): string {
  const s = fixed(deviation, 2);
  return deviation > 0 && s !== '0.00' ? `+${s}` : s;
}

/** What stands in place of a value that could not be computed. */
export function formatStatus(m: Pick<MeasureEntry, 'status' | 'missing' | 'reason'>): string {
  switch (m.status) {
    case 'ok':
      return '';
    case 'missing':
      return `missing: ${m.missing.map(abbreviation).join(', ')}`;
    case 'uncalibrated':
      return 'uncalibrated';
    case 'cannot_compute':
      return 'cannot compute';
  }
}

export function formatFlag(flag: MeasureEntry['flag']): string {
  return flag === 'high' ? 'HIGH' : flag === 'low' ? 'LOW' : '';
}

export function abbreviation(landmarkId: string): string {
  return landmarkById(landmarkId)?.abbr ?? landmarkId;
}

/** Local date and time with its UTC offset, e.g. '2025-03-04 10:27 (UTC+01:00)'. */
export function formatDateTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const tz = `UTC${sign}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())} (${tz})`;
}

/** ISO 8601 with the local offset, so the JSON says when it was made in the clinic's own time. */
export function isoWithOffset(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` +
    `${sign}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`
  );
}

/** Whole years between two ISO dates, or null if either is missing or the order is wrong. */
export function ageInYears(birthDate: string | null, at: string | null): number | null {
  if (!birthDate || !at) return null;
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ay, am, ad] = at.split('-').map(Number);
  const age = ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
  return age >= 0 ? age : null;
}

function fixed(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  // '-0.0' reads as a sign error on a printed report
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}
