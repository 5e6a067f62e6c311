// The PNG header (IHDR) read directly: it is always the first chunk, at a fixed offset, and holds
// everything a probe needs. libspng (inside sharp) will not report it for a file with no image
// data, which is exactly the kind of file a size check must refuse before decoding.
import { AppError } from '../../../src-shared/errors.js';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGB + alpha */
  colourType: number;
}

export function readPngHeader(bytes: Uint8Array): PngHeader {
  const ihdr = bytes.length >= 29 && String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR';
  if (!ihdr) throw new AppError('corrupt', 'PNG file is damaged: its header chunk (IHDR) is missing');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20), bitDepth: bytes[24]!, colourType: bytes[25]! };
}
