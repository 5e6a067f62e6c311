// Lossless JPEG 2000 DICOMs made from grey pixels, with OpenJPEG's wasm encoder: test inputs for
// the JPEG 2000 paths (the one real JPEG 2000 sample in ../shared is a chest radiograph).
import { greyImageElements, TS, writeDicom, type El } from './dicom-writer.js';

interface Encoder {
  getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean }): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  setDecompositions(n: number): void;
  setQuality(lossless: boolean, quality: number): void;
  encode(): void;
  delete(): void;
}

let module: Promise<{ J2KEncoder: new () => Encoder }> | undefined;

export async function encodeJ2k(grey: Uint8Array, width: number, height: number, decompositions = 5): Promise<Uint8Array> {
  module ??= import('@cornerstonejs/codec-openjpeg/wasmjs').then((m) => (m.default as (o: object) => Promise<{ J2KEncoder: new () => Encoder }>)({ print: () => {}, printErr: () => {} }));
  const m = await module;
  const enc = new m.J2KEncoder();
  try {
    enc.getDecodedBuffer({ width, height, bitsPerSample: 8, componentCount: 1, isSigned: false }).set(grey);
    enc.setDecompositions(decompositions);
    enc.setQuality(true, 0);
    enc.encode();
    return enc.getEncodedBuffer().slice();
  } finally {
    enc.delete();
  }
}

export async function j2kDicom(grey: Uint8Array, width: number, height: number, extra: El[] = [], decompositions = 5): Promise<Uint8Array> {
  const codestream = await encodeJ2k(grey, width, height, decompositions);
  // an even-length fragment, as DICOM requires
  const fragment = codestream.length % 2 ? Uint8Array.from([...codestream, 0]) : codestream;
  return writeDicom(greyImageElements({ rows: height, columns: width, bitsAllocated: 8, extra }), { transferSyntax: TS.j2kLossless, encapsulated: { fragments: [fragment] } });
}
