// The codec packages ship JavaScript without type declarations; these are the few entry points we
// use. Each emscripten factory takes module overrides (print/printErr) and resolves to the module.

declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (overrides?: Record<string, unknown>) => Promise<unknown>;
  export default factory;
}

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (overrides?: Record<string, unknown>) => Promise<unknown>;
  export default factory;
}

declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: (overrides?: Record<string, unknown>) => Promise<unknown>;
  export default factory;
}

declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    /** numBytes: 1 for 8-bit output, 2 for 16-bit; returns one sample per pixel and component. */
    decode(buffer: ArrayBufferLike, offset?: number, length?: number, numBytes?: number): Uint8Array | Uint16Array;
  }
}
