// dcmjs hands text over decoded and writes it back as UTF-8, whatever character set the source
// used. A dataset with any text beyond ASCII therefore says ISO_IR 192 (UTF-8); one without says
// nothing, the default repertoire every reader understands.
function hasNonAscii(v: unknown): boolean {
  if (typeof v === 'string') return /[^\x00-\x7f]/.test(v);
  if (Array.isArray(v)) return v.some(hasNonAscii);
  if (v && typeof v === 'object' && !(v instanceof ArrayBuffer) && !ArrayBuffer.isView(v)) return Object.values(v).some(hasNonAscii);
  return false;
}

export function withCharacterSet(elements: Record<string, unknown>): Record<string, unknown> {
  const { SpecificCharacterSet: _dropped, ...rest } = elements;
  return hasNonAscii(rest) ? { SpecificCharacterSet: 'ISO_IR 192', ...rest } : rest;
}
