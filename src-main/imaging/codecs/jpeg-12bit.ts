// 12-bit JPEG (DICOM "JPEG Extended", processes 2 & 4). libjpeg-turbo's wasm build is 8-bit only,
// so this uses the pure-JS decoder that Cornerstone's dicom-image-loader ships for exactly this
// case. The package does not export it; we load the file from the installed package by path.
//
// That decoder applies the 8-bit level shift scaled by (2^12-1)/255 instead of the 12-bit one,
// which makes every 12-bit sample come out 15 too high (checked against dcmtk's IJG decoder; see
// test/imaging/dicom-codecs.test.ts). Rather than trust a constant, each process decodes a tiny
// 12-bit JPEG of known content once and subtracts whatever offset it measures, so the correction
// disappears by itself if the upstream decoder is fixed. One residual: the decoder clips at
// 4095 - offset before we subtract, so the top 15 of 4096 levels read as 4080.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodecFailure, describeThrown } from './wasm-codec.js';
import type { DecodedFrame } from './frame.js';

interface JpegImage {
  parse(data: Uint8Array): void;
  width: number;
  height: number;
  components: unknown[];
  colorTransform?: boolean;
  getData(width: number, height: number): Uint8Array;
  getData16(width: number, height: number): Uint16Array;
}
type JpegImageClass = new () => JpegImage;

let loaded: Promise<{ Jpeg: JpegImageClass; offset: number }> | undefined;

// A 16 x 16 12-bit JPEG whose every sample is 1000: dcmtk `dcmcjpeg +ee +sr +q 100` of such an
// image, pixel data fragment only. A flat image is coded by DC terms alone, so it decodes exactly.
const CALIBRATION_JPEG =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/' +
  'wQALDAAQABABAREA/8QAFQABAQAAAAAAAAAAAAAAAAAAAA7/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/9oACAEBAAA/AJ8/Af/Z';
const CALIBRATION_VALUE = 1000;

function measureOffset(Jpeg: JpegImageClass): number {
  const jpeg = new Jpeg();
  jpeg.parse(new Uint8Array(Buffer.from(CALIBRATION_JPEG, 'base64')));
  const data = jpeg.getData16(jpeg.width, jpeg.height);
  const offset = data[0]! - CALIBRATION_VALUE;
  if (data.length !== 256 || data.some((v) => v !== data[0]) || Math.abs(offset) > 64) {
    throw new Error(`the 12-bit JPEG decoder failed its self-check (read ${data[0]} for ${CALIBRATION_VALUE})`);
  }
  return offset;
}

function loadJpegImage(): Promise<{ Jpeg: JpegImageClass; offset: number }> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('@cornerstonejs/dicom-image-loader/package.json');
    const file = path.join(path.dirname(pkg), 'dist', 'esm', 'codecs', 'jpeg.js');
    const mod = (await import(pathToFileURL(file).href)) as { default: JpegImageClass };
    return { Jpeg: mod.default, offset: measureOffset(mod.default) };
  })();
  return loaded;
}

export async function decodeJpeg12(encoded: Uint8Array): Promise<DecodedFrame> {
  let Jpeg: JpegImageClass;
  let offset: number;
  try {
    ({ Jpeg, offset } = await loadJpegImage());
  } catch (e) {
    loaded = undefined;
    throw new CodecFailure('jpeg-12bit', `the 12-bit JPEG decoder could not be loaded: ${describeThrown(e)}`, []);
  }
  try {
    const jpeg = new Jpeg();
    jpeg.parse(encoded);
    // DICOM declares the colour model itself; do not let the decoder guess a transform.
    jpeg.colorTransform = false;
    const components = jpeg.components.length;
    if (components !== 1) {
      // Colour 12-bit JPEG does not occur in radiography; the decoder would scale it to 8 bits.
      throw new Error('12-bit colour JPEG is not supported');
    }
    const samples = jpeg.getData16(jpeg.width, jpeg.height);
    if (offset !== 0) {
      for (let i = 0; i < samples.length; i++) samples[i] = Math.min(4095, Math.max(0, samples[i]! - offset));
    }
    return { width: jpeg.width, height: jpeg.height, components, samples };
  } catch (e) {
    throw new CodecFailure('jpeg-12bit', describeThrown(e), []);
  }
}
