// Patient and study identity, decoded in the file's character set.
import type { ImageMetadata } from '../types.js';
import type { DataSet } from './parser.js';
import { cleanText, decoderFor } from './text.js';

const TEXT_TAGS: Record<keyof ImageMetadata, string> = {
  patientName: 'x00100010',
  patientId: 'x00100020',
  birthDate: 'x00100030',
  sex: 'x00100040',
  studyDate: 'x00080020',
  studyDescription: 'x00081030',
  studyInstanceUid: 'x0020000d',
  seriesInstanceUid: 'x0020000e',
  sopInstanceUid: 'x00080018',
  modality: 'x00080060',
  manufacturer: 'x00080070',
};

export function readMetadata(ds: DataSet): ImageMetadata {
  const decoder = decoderFor(ds.string('x00080005'));
  const out: ImageMetadata = {};
  for (const [key, tag] of Object.entries(TEXT_TAGS) as [keyof ImageMetadata, string][]) {
    const el = ds.elements[tag];
    if (!el || el.length <= 0 || el.dataOffset + el.length > ds.byteArray.length) continue;
    const raw = decoder.decode(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length));
    // UIDs are padded with NUL, text with spaces; both go.
    const value = cleanText(raw);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
