// Decide the format from the bytes, never from the file name: a PACS export may have no
// extension, and a renamed text file must not reach a decoder.
import type { ImageFormat } from './types.js';

/** Bytes worth reading before calling sniffFormat. */
export const SNIFF_BYTES = 132;

const DICOM_VRS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

/** How a DICOM stream starts, which decides how it must be handed to the parser. */
export type DicomLayout =
  | 'part10' // 128-byte preamble + 'DICM' + meta group
  | 'dicm-no-preamble' // 'DICM' + meta group, preamble stripped
  | 'meta-no-preamble' // meta group (0002,xxxx) with neither preamble nor 'DICM'
  | 'raw-explicit' // a bare data set, explicit VR little endian
  | 'raw-implicit'; // a bare data set, implicit VR little endian

function ascii(bytes: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + n));
}

export function dicomLayout(bytes: Uint8Array): DicomLayout | null {
  if (bytes.length >= 132 && ascii(bytes, 128, 4) === 'DICM') return 'part10';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'DICM' && bytes[4] === 0x02 && bytes[5] === 0x00) {
    return 'dicm-no-preamble';
  }
  if (bytes.length < 12) return null;
  // A bare data set starts with a low tag of group 0002 (meta) or 0008 (identification), and
  // either a known VR (explicit) or a small even length (implicit). Random bytes rarely pass both.
  const group = bytes[0]! | (bytes[1]! << 8);
  const element = bytes[2]! | (bytes[3]! << 8);
  if ((group !== 0x0002 && group !== 0x0008) || element > 0x0100) return null;
  const vr = ascii(bytes, 4, 2);
  if (DICOM_VRS.has(vr)) return group === 0x0002 ? 'meta-no-preamble' : 'raw-explicit';
  if (group !== 0x0008) return null;
  const length = bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! * 0x1000000);
  return length % 2 === 0 && length <= 1024 ? 'raw-implicit' : null;
}

/** The image format the bytes start with, or null when they are none we read. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) {
    return 'png';
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 4) {
    const le = b[0] === 0x49 && b[1] === 0x49 && (b[2] === 0x2a || b[2] === 0x2b) && b[3] === 0x00;
    const be = b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && (b[3] === 0x2a || b[3] === 0x2b);
    if (le || be) return 'tiff';
  }
  if (b.length >= 18 && b[0] === 0x42 && b[1] === 0x4d) {
    // 'BM' alone is too common a start for text; the DIB header size must be a known one.
    const dibSize = b[14]! | (b[15]! << 8) | (b[16]! << 16) | (b[17]! << 24);
    if ([12, 16, 40, 52, 56, 64, 108, 124].includes(dibSize)) return 'bmp';
  }
  if (dicomLayout(b) !== null) return 'dicom';
  return null;
}
