// JPEG-LS (lossless and near-lossless) through the CharLS wasm build.
import { interleavePlanes, type DecodedFrame } from './frame.js';
import { decodeWith, WasmCodec, type WasmFrameDecoder } from './wasm-codec.js';

interface JpegLSDecoder extends WasmFrameDecoder {
  getInterleaveMode(): number;
}
interface CharlsModule {
  JpegLSDecoder: new () => JpegLSDecoder;
}

const codec = new WasmCodec<CharlsModule>('CharLS', async () => (await import('@cornerstonejs/codec-charls/decodewasmjs')).default);

export function decodeJpegLs(encoded: Uint8Array): Promise<DecodedFrame> {
  return codec.run((m) =>
    decodeWith(
      new m.JpegLSDecoder(),
      encoded,
      (info) => info.bitsPerSample,
      // CharLS returns uninterleaved (mode 0) streams plane by plane, and both line- and
      // sample-interleaved streams pixel by pixel.
      (samples, info, decoder) => (info.componentCount > 1 && decoder.getInterleaveMode() === 0 ? interleavePlanes(samples, info.componentCount) : samples),
    ),
  );
}
