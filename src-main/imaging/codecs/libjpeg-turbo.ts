// 8-bit JPEG baseline/extended through the libjpeg-turbo wasm build (12-bit data: jpeg-12bit.ts).
import { WasmCodec } from './wasm-codec.js';
import { copySamples, type DecodedFrame } from './frame.js';

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}
interface JPEGDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
interface LibJpegTurboModule {
  JPEGDecoder: new () => JPEGDecoder;
}

const codec = new WasmCodec<LibJpegTurboModule>(
  'libjpeg-turbo',
  async () => (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')).default,
);

export function decodeJpeg8(encoded: Uint8Array): Promise<DecodedFrame> {
  return codec.run((m) => {
    const decoder = new m.JPEGDecoder();
    try {
      decoder.getEncodedBuffer(encoded.length).set(encoded);
      decoder.decode();
      const info = decoder.getFrameInfo();
      // libjpeg converts YCbCr to RGB while decoding, so colour arrives as interleaved RGB.
      return {
        width: info.width,
        height: info.height,
        components: info.componentCount,
        samples: copySamples(decoder.getDecodedBuffer(), 8),
      };
    } finally {
      decoder.delete();
    }
  });
}
