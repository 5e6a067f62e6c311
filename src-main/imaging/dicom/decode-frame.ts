// Decodes the first frame with the codec its transfer syntax (and, for JPEG, its bitstream's
// precision) calls for, and checks the result against the header.
import { AppError } from '../../../src-shared/errors.js';
import { CodecFailure, describeThrown } from '../codecs/wasm-codec.js';
import type { DecodedFrame } from '../codecs/frame.js';
import { decodeJpeg2000 } from '../codecs/openjpeg.js';
import { decodeJpegLs } from '../codecs/charls.js';
import { decodeJpeg8 } from '../codecs/libjpeg-turbo.js';
import { decodeJpeg12 } from '../codecs/jpeg-12bit.js';
import { decodeJpegLossless } from '../codecs/jpeg-lossless.js';
import { decodeRle } from '../codecs/rle.js';
import { readJpegFrameHeader } from '../codecs/jpeg-markers.js';
import type { DicomImageHeader } from './header.js';
import { nativeFrameBytes } from './frame.js';
import { decodeOffThread } from './codec-pool.js';

function nativeSamples(bytes: Uint8Array, h: DicomImageHeader, bigEndian: boolean): Uint8Array | Uint16Array {
  if (h.bitsAllocated === 8) return bytes;
  const n = bytes.length >> 1;
  const out = new Uint16Array(n);
  if (bigEndian) for (let i = 0; i < n; i++) out[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
  else for (let i = 0; i < n; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return out;
}

async function decodeJpegFamily(bytes: Uint8Array, h: DicomImageHeader): Promise<DecodedFrame> {
  const sof = readJpegFrameHeader(bytes);
  if (!sof) throw new CodecFailure('jpeg', 'the compressed frame is not a JPEG stream (no SOI/SOF marker)', []);
  if (sof.sof === 3) return decodeJpegLossless(bytes, h.bitsAllocated);
  if (sof.sof === 0xf7) return decodeJpegLs(bytes);
  if (sof.sof !== 0 && sof.sof !== 1 && sof.sof !== 2) {
    throw new AppError('unsupported', `JPEG process with SOF marker 0xFFC${sof.sof.toString(16)} is not supported`, { sof: sof.sof });
  }
  return sof.precision > 8 ? decodeJpeg12(bytes) : decodeJpeg8(bytes);
}

/** The codec alone, with the codecs' own errors (what the codec worker runs). */
export async function runCodec(bytes: Uint8Array, h: DicomImageHeader): Promise<DecodedFrame> {
  switch (h.syntax.encoding) {
    case 'native':
    case 'native-big-endian':
    case 'encapsulated-native': {
      const need = nativeFrameBytes(h);
      if (bytes.length < need) {
        throw new AppError('corrupt', `DICOM pixel data hold ${bytes.length} bytes; the header needs ${need}`, {
          available: bytes.length,
          needed: need,
        });
      }
      const samples = nativeSamples(bytes.subarray(0, need), h, h.syntax.encoding === 'native-big-endian');
      return { width: h.columns, height: h.rows, components: h.samplesPerPixel, samples };
    }
    case 'jpeg':
    case 'jpeg-lossless':
      return decodeJpegFamily(bytes, h);
    case 'jpeg-ls':
      return decodeJpegLs(bytes);
    case 'jpeg2000':
      return decodeJpeg2000(bytes);
    case 'rle':
      return decodeRle(bytes, h.columns, h.rows, h.samplesPerPixel, h.bitsAllocated);
  }
}

export async function decodeFirstFrame(bytes: Uint8Array, h: DicomImageHeader, opts: { inThread?: boolean } = {}): Promise<DecodedFrame> {
  let frame: DecodedFrame;
  try {
    // a compressed frame can take seconds: decoded off the main thread, so the server keeps answering
    const compressed = !['native', 'native-big-endian', 'encapsulated-native'].includes(h.syntax.encoding);
    frame = compressed && !opts.inThread ? await decodeOffThread(bytes, h) : await runCodec(bytes, h);
  } catch (e) {
    if (e instanceof AppError) throw e;
    const reason = e instanceof CodecFailure ? e.message : describeThrown(e);
    throw new AppError('corrupt', `DICOM pixel data (${h.syntax.name}) could not be decoded: ${reason}`, {
      transferSyntax: h.transferSyntax,
      reason,
    });
  }
  if (frame.width === 0 || frame.height === 0) {
    throw new AppError('corrupt', `DICOM pixel data (${h.syntax.name}) hold no decodable image`, { transferSyntax: h.transferSyntax });
  }
  if (frame.width !== h.columns || frame.height !== h.rows) {
    throw new AppError(
      'corrupt',
      `Decoded image is ${frame.width} x ${frame.height} but the DICOM header says ${h.columns} x ${h.rows} (Columns x Rows)`,
      { decoded: [frame.width, frame.height], header: [h.columns, h.rows] },
    );
  }
  if (frame.components !== h.samplesPerPixel) {
    throw new AppError(
      'corrupt',
      `Decoded image has ${frame.components} component(s) but DICOM Samples per Pixel is ${h.samplesPerPixel}`,
      { decoded: frame.components, header: h.samplesPerPixel },
    );
  }
  const expected = h.rows * h.columns * h.samplesPerPixel;
  const isSubsampledNative = h.photometric === 'YBR_FULL_422' && (h.syntax.encoding === 'native' || h.syntax.encoding === 'native-big-endian' || h.syntax.encoding === 'encapsulated-native');
  if (!isSubsampledNative && frame.samples.length < expected) {
    throw new AppError('corrupt', `Decoded pixel data hold ${frame.samples.length} samples; ${expected} were expected`, {
      decoded: frame.samples.length,
      expected,
    });
  }
  return frame;
}
