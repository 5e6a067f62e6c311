// Tolerant readers for DICOM's decimal and integer strings (DS, IS). dicom-parser's own helpers
// throw on a missing multi-value index; here a malformed or absent value simply reads as absent.
import type { DataSet } from './parser.js';

export function numbers(ds: DataSet, tag: string): (number | undefined)[] {
  const text = ds.elements[tag] ? ds.string(tag) : undefined;
  if (!text) return [];
  return text.split('\\').map((part) => {
    const t = part.trim();
    // Number('') is 0 and parseFloat('1.2abc') is 1.2; neither should pass.
    const v = t === '' ? NaN : Number(t);
    return Number.isFinite(v) ? v : undefined;
  });
}

export function number(ds: DataSet, tag: string, index = 0): number | undefined {
  return numbers(ds, tag)[index];
}
