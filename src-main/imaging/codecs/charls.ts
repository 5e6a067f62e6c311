// JPEG-LS (lossless and near-lossless) through the CharLS wasm build.
import { WasmCodec } from './wasm-codec.js';
import { copySamples, interleavePlanes, type DecodedFrame } from './frame.js';

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}
interface JpegLSDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getInterleaveMode(): number;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
interface CharlsModule {
  JpegLSDecoder: new () => JpegLSDecoder;
}

const codec = new WasmCodec<CharlsModule>('CharLS', async () => (await import('@cornerstonejs/codec-charls/decodewasmjs')).default);

export function decodeJpegLs(encoded: Uint8Array): Promise<DecodedFrame> {
  return codec.run((m) => {
    const decoder = new m.JpegLSDecoder();
    try {
      decoder.getEncodedBuffer(encoded.length).set(encoded);
      decoder.decode();
      const info = decoder.getFrameInfo();
      let samples = copySamples(decoder.getDecodedBuffer(), info.bitsPerSample);
      const mode = decoder.getInterleaveMode();
      if (info.componentCount > 1) {
        // CharLS returns uninterleaved (mode 0) streams plane by plane, and both line- and
        // sample-interleaved streams pixel by pixel.
        if (mode === 0) samples = interleavePlanes(samples, info.componentCount);
      }
      return { width: info.width, height: info.height, components: info.componentCount, samples };
    } finally {
      decoder.delete();
    }
  });
}
