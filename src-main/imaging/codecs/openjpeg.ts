// JPEG 2000 (lossless and lossy) through the OpenJPEG wasm build.
import type { DecodedFrame } from './frame.js';
import { decodeWith, WasmCodec, type WasmFrameDecoder } from './wasm-codec.js';

interface OpenJpegModule {
  J2KDecoder: new () => WasmFrameDecoder;
}

const codec = new WasmCodec<OpenJpegModule>('OpenJPEG', async () => (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default);

export function decodeJpeg2000(encoded: Uint8Array): Promise<DecodedFrame> {
  // OpenJPEG applies the inverse colour transform itself, so 3 components come back as RGB.
  return codec.run((m) => decodeWith(new m.J2KDecoder(), encoded, (info) => info.bitsPerSample));
}
