// Reads a JPEG stream's frame header (SOFn) without decoding, to pick the right decoder: DICOM
// files do not always carry the transfer syntax that matches their bitstream's precision.

export interface JpegFrameHeader {
  /** SOF marker number: 0 baseline, 1 extended, 2 progressive, 3 lossless, 0xf7 JPEG-LS, ... */
  sof: number;
  precision: number;
  width: number;
  height: number;
  components: number;
}

export function readJpegFrameHeader(bytes: Uint8Array): JpegFrameHeader | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return null;
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    const isSof = (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
    if (isSof) {
      if (pos + 10 > bytes.length) return null;
      return {
        sof: marker === 0xf7 ? 0xf7 : marker - 0xc0,
        precision: bytes[pos + 4]!,
        height: (bytes[pos + 5]! << 8) | bytes[pos + 6]!,
        width: (bytes[pos + 7]! << 8) | bytes[pos + 8]!,
        components: bytes[pos + 9]!,
      };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan or end before any frame header
    pos += 2 + length;
  }
  return null;
}
