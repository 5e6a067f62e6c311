// JPEG 2000 (lossless and lossy) through the OpenJPEG wasm build.
import type { DecodedFrame } from './frame.js';
import { copySamples } from './frame.js';
import { decodeWith, WasmCodec, type WasmFrameDecoder } from './wasm-codec.js';

interface J2KDecoder extends WasmFrameDecoder {
  decodeSubResolution(decompositionLevel: number, layer: number): void;
}

interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
}

const codec = new WasmCodec<OpenJpegModule>('OpenJPEG', async () => (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default);

export function decodeJpeg2000(encoded: Uint8Array): Promise<DecodedFrame> {
  // OpenJPEG applies the inverse colour transform itself, so 3 components come back as RGB.
  return codec.run((m) => decodeWith(new m.J2KDecoder(), encoded, (info) => info.bitsPerSample));
}

/**
 * The wavelet's low-pass band `level` levels down: ceil(W / 2^level) x ceil(H / 2^level)
 * samples, sample i centred on source pixel 2^level * i. The discarded levels are never entropy
 * decoded, which is where nearly all of a JPEG 2000 decode's time goes.
 */
export function decodeJpeg2000Reduced(encoded: Uint8Array, level: number): Promise<DecodedFrame> {
  return codec.run((m) => {
    const d = new m.J2KDecoder();
    try {
      d.getEncodedBuffer(encoded.length).set(encoded);
      d.decodeSubResolution(level, 0);
      // the frame info keeps the full size; the decoded buffer has the reduced one
      const info = d.getFrameInfo();
      const width = Math.ceil(info.width / 2 ** level);
      const height = Math.ceil(info.height / 2 ** level);
      const samples = copySamples(d.getDecodedBuffer(), info.bitsPerSample);
      if (samples.length !== width * height * info.componentCount) {
        throw new Error(`reduced decode gave ${samples.length} samples, expected ${width} x ${height} x ${info.componentCount}`);
      }
      return { width, height, components: info.componentCount, samples };
    } finally {
      d.delete();
    }
  });
}

/** Decomposition levels from the codestream's main-header COD segment, or undefined if there
 *  is none to read (then no reduced decode is tried). */
export function jpeg2000Levels(codestream: Uint8Array): number | undefined {
  // SOC, then marker segments until the first tile part (SOT); COD is FF52:
  // Lcod(2) Scod(1) progression(1) layers(2) MCT(1) decomposition levels(1)
  if (codestream[0] !== 0xff || codestream[1] !== 0x4f) return undefined;
  let p = 2;
  while (p + 4 <= codestream.length && codestream[p] === 0xff) {
    const marker = codestream[p + 1]!;
    if (marker === 0x90) return undefined; // SOT: main header over, no COD
    const length = (codestream[p + 2]! << 8) | codestream[p + 3]!;
    if (marker === 0x52) return p + 9 < codestream.length ? codestream[p + 9] : undefined;
    p += 2 + length;
  }
  return undefined;
}
