// Locates the bytes of the first frame in the pixel data, native or encapsulated, and checks
// that a native frame is as long as the header says it must be.
import { AppError } from '../../../src-shared/errors.js';
import { dicomParser, type DataSet, type Element } from './parser.js';
import { PIXEL_DATA_TAG } from './parse.js';
import type { DicomImageHeader } from './header.js';

/** Bytes one native frame occupies. YBR_FULL_422 stores two luma and one chroma pair per 2 pixels. */
export function nativeFrameBytes(h: DicomImageHeader): number {
  const pixels = h.rows * h.columns;
  const samples = h.photometric === 'YBR_FULL_422' && h.samplesPerPixel === 3 ? pixels * 2 : pixels * h.samplesPerPixel;
  return samples * (h.bitsAllocated / 8);
}

export function firstFrameBytes(ds: DataSet, h: DicomImageHeader): Uint8Array {
  const px = ds.elements[PIXEL_DATA_TAG]!;
  const encapsulated = px.encapsulatedPixelData === true;
  const wantsEncapsulated = h.syntax.encoding !== 'native' && h.syntax.encoding !== 'native-big-endian';
  if (encapsulated !== wantsEncapsulated) {
    throw new AppError(
      'corrupt',
      `DICOM pixel data are ${encapsulated ? 'encapsulated (compressed)' : 'not encapsulated'}, which contradicts transfer syntax ${h.transferSyntax} (${h.syntax.name})`,
      { transferSyntax: h.transferSyntax },
    );
  }
  return encapsulated ? endsWithEoi(encapsulatedFrame(ds, px, h), h) : nativeFrame(ds, px, h);
}

/** JPEG, JPEG-LS and JPEG 2000 streams all end with the marker FFD9 (EOI, or EOC in JPEG 2000).
 *  Their decoders happily return a partial image for a stream cut short (a file truncated at a
 *  fragment boundary parses cleanly), so a missing end marker is treated as truncation. */
function endsWithEoi(frame: Uint8Array, h: DicomImageHeader): Uint8Array {
  const enc = h.syntax.encoding;
  if (enc !== 'jpeg' && enc !== 'jpeg-lossless' && enc !== 'jpeg-ls' && enc !== 'jpeg2000') return frame;
  // Writers pad fragments to even length with 00, some with FF; allow a few such bytes after FFD9.
  let end = frame.length;
  const stop = Math.max(0, frame.length - 8);
  while (end > stop && !(frame[end - 2] === 0xff && frame[end - 1] === 0xd9) && (frame[end - 1] === 0 || frame[end - 1] === 0xff)) end--;
  if (end < 2 || frame[end - 2] !== 0xff || frame[end - 1] !== 0xd9) {
    throw new AppError('corrupt', `DICOM compressed pixel data (${h.syntax.name}) stop before the end-of-image marker: the file is truncated or damaged`, {
      transferSyntax: h.transferSyntax,
    });
  }
  return frame;
}

function nativeFrame(ds: DataSet, px: Element, h: DicomImageHeader): Uint8Array {
  const need = nativeFrameBytes(h);
  const available = Math.min(px.length, ds.byteArray.length - px.dataOffset);
  if (available < need) {
    throw new AppError(
      'corrupt',
      `DICOM pixel data hold ${available} bytes but ${h.rows} rows x ${h.columns} columns x ${h.samplesPerPixel} sample(s) x ${h.bitsAllocated} bits need ${need}: the file is truncated or its header is wrong`,
      { available, needed: need },
    );
  }
  return ds.byteArray.subarray(px.dataOffset, px.dataOffset + need);
}

function encapsulatedFrame(ds: DataSet, px: Element, h: DicomImageHeader): Uint8Array {
  const fragments = px.fragments ?? [];
  if (fragments.length === 0) throw new AppError('corrupt', 'DICOM compressed pixel data contain no fragments');
  try {
    if (h.frameCount <= 1) {
      // One frame may span any number of fragments.
      return fragments.length === 1
        ? ds.byteArray.subarray(fragments[0]!.position, fragments[0]!.position + fragments[0]!.length)
        : dicomParser.readEncapsulatedPixelDataFromFragments(ds, px, 0, fragments.length);
    }
    if ((px.basicOffsetTable?.length ?? 0) > 0) return dicomParser.readEncapsulatedImageFrame(ds, px, 0);
    if (fragments.length === h.frameCount) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, px, 0, 1);
    if (h.syntax.encoding === 'jpeg' || h.syntax.encoding === 'jpeg-lossless') {
      const table = dicomParser.createJPEGBasicOffsetTable(ds, px);
      return dicomParser.readEncapsulatedImageFrame(ds, px, 0, table);
    }
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, px, 0, 1);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new AppError('corrupt', `DICOM compressed pixel data could not be split into frames: ${reason}`, { reason });
  }
}
