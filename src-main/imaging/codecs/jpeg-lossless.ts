// JPEG lossless (process 14, any predictor) through jpeg-lossless-decoder-js.
import { Decoder } from 'jpeg-lossless-decoder-js';
import { describeThrown, CodecFailure } from './wasm-codec.js';
import type { DecodedFrame } from './frame.js';
import { readJpegFrameHeader } from './jpeg-markers.js';

export function decodeJpegLossless(encoded: Uint8Array, bitsAllocated: number): DecodedFrame {
  const header = readJpegFrameHeader(encoded);
  if (!header) throw new CodecFailure('jpeg-lossless', 'the JPEG lossless stream has no frame header', []);
  let samples: Uint8Array | Uint16Array;
  try {
    samples = new Decoder().decode(encoded.buffer, encoded.byteOffset, encoded.length, bitsAllocated <= 8 ? 1 : 2);
  } catch (e) {
    throw new CodecFailure('jpeg-lossless', describeThrown(e), []);
  }
  return { width: header.width, height: header.height, components: header.components, samples };
}
