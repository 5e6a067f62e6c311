// Which pixel spacing a case has and where it comes from. A ruler the user drew wins over the
// file's spacing: on a cephalogram the DICOM value may describe the detector, not the midsagittal
// plane, and the clinician calibrating by hand knows which one they want.
import type { CaseDetail } from '../../src-shared/api/contract.js';

export interface Calibration {
  rowMm: number;
  colMm: number;
  source: 'ruler' | 'file';
  description: string;
}

export function calibrationOf(detail: Pick<CaseDetail, 'spacing' | 'ruler'>): Calibration | null {
  if (detail.ruler) {
    const px = Math.hypot(detail.ruler.p2.x - detail.ruler.p1.x, detail.ruler.p2.y - detail.ruler.p1.y);
    const mm = detail.ruler.mmPerPixel;
    return { rowMm: mm, colMm: mm, source: 'ruler', description: `ruler: ${detail.ruler.lengthMm} mm over ${px.toFixed(1)} px` };
  }
  if (detail.spacing) {
    return { rowMm: detail.spacing.rowMm, colMm: detail.spacing.colMm, source: 'file', description: `from the file (${detail.spacing.source})` };
  }
  return null;
}

/** One mm-per-pixel figure for the analyses (they assume square pixels). */
export function mmPerPixelOf(cal: Calibration | null): number | undefined {
  return cal ? (cal.rowMm + cal.colMm) / 2 : undefined;
}
