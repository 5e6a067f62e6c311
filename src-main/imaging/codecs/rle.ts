// DICOM RLE Lossless (PS3.5 Annex G). No maintained package decodes it outside a viewer, and the
// format is small: a 64-byte header of segment offsets, then one PackBits stream per byte plane
// (most significant byte first, one component after another).
import { CodecFailure } from './wasm-codec.js';
import type { DecodedFrame } from './frame.js';

export function decodeRle(
  encoded: Uint8Array,
  width: number,
  height: number,
  samplesPerPixel: number,
  bitsAllocated: number,
): DecodedFrame {
  const fail = (why: string) => new CodecFailure('RLE', why, []);
  if (encoded.length < 64) throw fail('the RLE frame is shorter than its 64-byte header');
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const segmentCount = view.getUint32(0, true);
  const bytesPerSample = bitsAllocated / 8;
  const expected = samplesPerPixel * bytesPerSample;
  if (segmentCount !== expected) {
    throw fail(`the RLE header lists ${segmentCount} segments; ${samplesPerPixel} sample(s) of ${bitsAllocated} bits need ${expected}`);
  }
  const pixels = width * height;
  const planes: Uint8Array[] = [];
  for (let s = 0; s < segmentCount; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segmentCount ? view.getUint32(8 + 4 * s, true) : encoded.length;
    if (start < 64 || end > encoded.length || end < start) throw fail(`RLE segment ${s + 1} points outside the frame`);
    planes.push(unpackBits(encoded.subarray(start, end), pixels, s + 1, fail));
  }
  const n = pixels * samplesPerPixel;
  const samples = bytesPerSample === 1 ? new Uint8Array(n) : new Uint16Array(n);
  for (let c = 0; c < samplesPerPixel; c++) {
    if (bytesPerSample === 1) {
      const p = planes[c]!;
      for (let i = 0; i < pixels; i++) samples[i * samplesPerPixel + c] = p[i]!;
    } else {
      const hi = planes[2 * c]!;
      const lo = planes[2 * c + 1]!;
      for (let i = 0; i < pixels; i++) samples[i * samplesPerPixel + c] = (hi[i]! << 8) | lo[i]!;
    }
  }
  return { width, height, components: samplesPerPixel, samples };
}

function unpackBits(src: Uint8Array, length: number, segment: number, fail: (why: string) => Error): Uint8Array {
  const out = new Uint8Array(length);
  let i = 0;
  let o = 0;
  while (o < length && i < src.length) {
    const n = src[i++]!;
    if (n < 128) {
      const count = n + 1; // literal run
      if (i + count > src.length) break;
      out.set(src.subarray(i, i + Math.min(count, length - o)), o);
      i += count;
      o += count;
    } else if (n > 128) {
      const count = 257 - n; // replicate run
      if (i >= src.length) break;
      out.fill(src[i++]!, o, Math.min(o + count, length));
      o += count;
    }
    // 128 is a no-op by definition.
  }
  if (o < length) throw fail(`RLE segment ${segment} ends after ${o} of ${length} bytes (truncated or corrupt)`);
  return out;
}
