// JPEG 2000 (lossless and lossy) through the OpenJPEG wasm build.
import { WasmCodec } from './wasm-codec.js';
import { copySamples, type DecodedFrame } from './frame.js';

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}
interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
}

const codec = new WasmCodec<OpenJpegModule>('OpenJPEG', async () => (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default);

export function decodeJpeg2000(encoded: Uint8Array): Promise<DecodedFrame> {
  return codec.run((m) => {
    const decoder = new m.J2KDecoder();
    try {
      decoder.getEncodedBuffer(encoded.length).set(encoded);
      decoder.decode();
      const info = decoder.getFrameInfo();
      // OpenJPEG applies the inverse colour transform itself, so 3 components come back as RGB.
      return {
        width: info.width,
        height: info.height,
        components: info.componentCount,
        samples: copySamples(decoder.getDecodedBuffer(), info.bitsPerSample),
      };
    } finally {
      decoder.delete();
    }
  });
}
