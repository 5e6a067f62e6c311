// Cornerstone image ids for our images. The pixel spacing is part of the id, so a new calibration
// (a ruler) is a new id: the cached image and its world geometry can never disagree with it.
export const SCHEME = 'medsapiens';

export interface ImageRef {
  imageId: number;
  /** mm per pixel along rows / columns; null when the image is not calibrated */
  spacing: { rowMm: number; colMm: number } | null;
}

export function toCornerstoneId(ref: ImageRef): string {
  const base = `${SCHEME}:${ref.imageId}`;
  return ref.spacing ? `${base}?row=${ref.spacing.rowMm}&col=${ref.spacing.colMm}` : base;
}

export function parseCornerstoneId(id: string): ImageRef | null {
  const m = /^medsapiens:(\d+)(?:\?(.*))?$/.exec(id);
  if (!m) return null;
  const q = new URLSearchParams(m[2] ?? '');
  const rowMm = Number(q.get('row'));
  const colMm = Number(q.get('col'));
  return { imageId: Number(m[1]), spacing: rowMm > 0 && colMm > 0 ? { rowMm, colMm } : null };
}
