// 8-bit JPEG baseline/extended through the libjpeg-turbo wasm build (12-bit data: jpeg-12bit.ts).
import type { DecodedFrame } from './frame.js';
import { decodeWith, WasmCodec, type WasmFrameDecoder } from './wasm-codec.js';

interface LibJpegTurboModule {
  JPEGDecoder: new () => WasmFrameDecoder;
}

const codec = new WasmCodec<LibJpegTurboModule>(
  'libjpeg-turbo',
  async () => (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')).default,
);

export function decodeJpeg8(encoded: Uint8Array): Promise<DecodedFrame> {
  // libjpeg converts YCbCr to RGB while decoding, so colour arrives as interleaved RGB.
  return codec.run((m) => decodeWith(new m.JPEGDecoder(), encoded, () => 8));
}
