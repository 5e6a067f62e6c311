// The field's accuracy figures: radial error in mm, MRE +- SD, SDR at 2 / 2.5 / 3 / 4 mm.
export const SDR_THRESHOLDS_MM = [2, 2.5, 3, 4] as const;

export interface Pt {
  x: number;
  y: number;
}

export interface Summary {
  n_images: number;
  mre_mm: number;
  sd_mm: number;
  sdr: Record<string, number>; // '2mm' -> percent
}

export interface LandmarkSummary extends Summary {
  index: number;
  id: string;
}

export function radialErrorMm(a: Pt, b: Pt, mmPerPixel: number): number {
  return Math.hypot(a.x - b.x, a.y - b.y) * mmPerPixel;
}

/** errors[i][k]: image i, landmark k, in mm. */
export function summarise(errors: number[][]): Summary {
  const flat = errors.flat();
  const n = flat.length;
  const mean = flat.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(flat.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  const sdr: Record<string, number> = {};
  for (const t of SDR_THRESHOLDS_MM) sdr[`${t}mm`] = (100 * flat.filter((v) => v <= t).length) / n;
  return { n_images: errors.length, mre_mm: mean, sd_mm: sd, sdr };
}

export function summarisePerLandmark(errors: number[][], ids: string[]): LandmarkSummary[] {
  return ids.map((id, k) => ({ index: k + 1, id, ...summarise(errors.map((row) => [row[k]])), n_images: errors.length }));
}
