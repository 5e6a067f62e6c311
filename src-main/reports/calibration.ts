// Which mm-per-pixel a report's linear measures use, and how the report names it. Order: the
// spacing stored with the image (DICOM, or typed in), then the user's ruler, else none, in which
// case linear measures read 'uncalibrated' and the report says so.
import type { Image } from '../db/rows.js';
import type { Calibration } from './report-schema.js';

/** Rows and columns differing by more than this are not treated as one isotropic spacing. */
const MAX_ANISOTROPY = 0.01;

const SPACING_LABEL: Record<string, string> = {
  'pixel-spacing': 'DICOM PixelSpacing',
  // at the detector: includes the radiographic magnification unless the file corrected it
  'imager-pixel-spacing': 'DICOM ImagerPixelSpacing',
  'nominal-scanned': 'DICOM NominalScannedPixelSpacing',
  user: 'entered spacing',
};

export function formatMmPerPx(mm: number): string {
  return `${mm.toFixed(3)} mm/px`;
}

export function calibrationOf(image: Pick<Image, 'spacing' | 'ruler'>): Calibration {
  const s = image.spacing;
  if (s && s.rowMm > 0 && s.colMm > 0) {
    const name = SPACING_LABEL[s.source] ?? `spacing (${s.source})`;
    const mean = (s.rowMm + s.colMm) / 2;
    if (Math.abs(s.rowMm - s.colMm) / mean > MAX_ANISOTROPY) {
      // the analyses take one scale for every direction; with non-square pixels a distance's
      // scale depends on its direction, so linear values would be wrong by up to the difference
      return {
        source: 'dicom',
        mmPerPixel: null,
        rowMm: s.rowMm,
        colMm: s.colMm,
        label: `${name} ${s.rowMm.toFixed(3)} x ${s.colMm.toFixed(3)} mm/px (non-square pixels: linear measures not computed)`,
        note: 'Pixels are not square; linear measures are reported as uncalibrated.',
      };
    }
    return {
      source: 'dicom',
      mmPerPixel: mean,
      rowMm: s.rowMm,
      colMm: s.colMm,
      label: `${name} ${formatMmPerPx(mean)}`,
      note: s.source === 'imager-pixel-spacing' ? 'Spacing at the detector: distances include the radiographic magnification.' : null,
    };
  }
  const r = image.ruler;
  if (r && Number.isFinite(r.mmPerPx) && r.mmPerPx > 0) {
    return {
      source: 'ruler',
      mmPerPixel: r.mmPerPx,
      rowMm: r.mmPerPx,
      colMm: r.mmPerPx,
      label: `ruler ${formatMmPerPx(r.mmPerPx)}`,
      note: `Ruler: ${r.lengthMm} mm marked on the image.`,
    };
  }
  return {
    source: 'none',
    mmPerPixel: null,
    rowMm: null,
    colMm: null,
    label: 'uncalibrated',
    note: 'No pixel spacing or ruler: linear measures (mm) are not computed.',
  };
}
