// Compressed grey DICOMs made from grey pixels: lossless JPEG 2000 (OpenJPEG's wasm encoder) and
// baseline JPEG (sharp), test inputs for the compressed paths (../shared has one real JPEG 2000
// sample, a chest radiograph, and no grey baseline JPEG one).
import sharp from 'sharp';
import { greyImageElements, TS, writeDicom } from './dicom-writer.js';

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

export interface DicomOptions {
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
}

export async function j2kDicom(grey: Uint8Array, width: number, height: number, opts: DicomOptions & { decompositions?: number } = {}): Promise<Uint8Array> {
  return wrap(await encodeJ2k(grey, width, height, opts.decompositions), width, height, TS.j2kLossless, opts);
}

/** A grey 8-bit baseline JPEG DICOM (sharp's encoder, quality 95). */
export async function jpegDicom(grey: Uint8Array, width: number, height: number, opts: DicomOptions = {}): Promise<Uint8Array> {
  const codestream = await sharp(grey, { raw: { width, height, channels: 1 } }).toColourspace('b-w').jpeg({ quality: 95 }).toBuffer();
  return wrap(new Uint8Array(codestream), width, height, TS.jpegBaseline, opts);
}

function wrap(codestream: Uint8Array, width: number, height: number, transferSyntax: string, opts: DicomOptions): Uint8Array {
  const elements = greyImageElements({ rows: height, columns: width, bitsAllocated: 8, photometric: opts.photometric });
  return writeDicom(elements, { transferSyntax, encapsulated: { fragments: [codestream] } });
}
