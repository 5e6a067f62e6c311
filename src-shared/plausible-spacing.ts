// What a radiograph's pixel spacing can be: a detector's 0.01 mm to a coarse scan's 2 mm per pixel.
// A ruler or a file header outside it is a mistake, not a calibration.
export const PLAUSIBLE_MM_PER_PIXEL = { min: 0.01, max: 2 } as const;

export function isPlausibleSpacing(mmPerPixel: number): boolean {
  return Number.isFinite(mmPerPixel) && mmPerPixel >= PLAUSIBLE_MM_PER_PIXEL.min && mmPerPixel <= PLAUSIBLE_MM_PER_PIXEL.max;
}
