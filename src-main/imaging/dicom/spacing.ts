// Physical pixel size. PixelSpacing, when present, is the spacing in the patient (already
// corrected for geometry); ImagerPixelSpacing is at the detector, which for a projection
// radiograph is magnified, so it is divided by the estimated magnification factor if one is given.
import type { Spacing } from '../types.js';
import { NO_SPACING } from '../types.js';
import type { DataSet } from './parser.js';
import { number, numbers } from './values.js';
import { isPlausibleSpacing } from '../../../src-shared/plausible-spacing.js';

/** Two positive values "row\column" in mm; anything else is treated as absent. */
function pair(ds: DataSet, tag: string): [number, number] | undefined {
  const values = numbers(ds, tag);
  const row = values[0];
  const col = values.length > 1 ? values[1] : row;
  const ok = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v > 0 && v < 100;
  return ok(row) && ok(col) ? [row, col] : undefined;
}

/** The spacing the header gives, where it is one a radiograph can have (a header saying 0 or
 *  1e308 mm per pixel, or a magnification factor of 1e-300, is no calibration: absent). */
export function readSpacing(ds: DataSet): Spacing {
  const s = headerSpacing(ds);
  return s.rowMm !== null && s.colMm !== null && isPlausibleSpacing(s.rowMm) && isPlausibleSpacing(s.colMm) ? s : { ...NO_SPACING };
}

function headerSpacing(ds: DataSet): Spacing {
  const pixel = pair(ds, 'x00280030');
  if (pixel) return { rowMm: pixel[0], colMm: pixel[1], source: 'PixelSpacing' };
  const imager = pair(ds, 'x00181164');
  if (imager) {
    const factor = number(ds, 'x00181114');
    if (factor !== undefined && Number.isFinite(factor) && factor > 0) {
      return {
        rowMm: imager[0] / factor,
        colMm: imager[1] / factor,
        source: 'ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor',
      };
    }
    return { rowMm: imager[0], colMm: imager[1], source: 'ImagerPixelSpacing' };
  }
  return { ...NO_SPACING };
}
