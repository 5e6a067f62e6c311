// The image-describing part of a DICOM data set, validated: every later step can rely on these
// fields. dicom-parser accepts files that lack them (e.g. no Rows), so the checks live here.
import { AppError } from '../../../src-shared/errors.js';
import type { ImageMetadata, Spacing } from '../types.js';
import type { DataSet } from './parser.js';
import { PIXEL_DATA_TAG } from './parse.js';
import { readSpacing } from './spacing.js';
import { readMetadata } from './metadata.js';
import { IMPLICIT_VR_LITTLE_ENDIAN, transferSyntaxInfo, transferSyntaxName, type TransferSyntaxInfo } from './transfer-syntax.js';
import { cleanText } from './text.js';
import { number } from './values.js';
import type { VoiFunction, VoiLut } from '../window.js';


export interface DicomImageHeader {
  transferSyntax: string;
  syntax: TransferSyntaxInfo;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  samplesPerPixel: number;
  /** 0: colour-by-pixel (RGBRGB), 1: colour-by-plane (RRR..GGG..BBB). */
  planarConfiguration: number;
  photometric: string;
  frameCount: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  window?: { centre: number; width: number };
  voiFunction: VoiFunction;
  voiLut?: VoiLut;
  spacing: Spacing;
  metadata: ImageMetadata;
  warnings: string[];
}

/** The header as an image description gives it (ImageProbe's DICOM-specific fields), the same
 *  for a header-only probe and a full import. */
export function describedHeader(h: DicomImageHeader) {
  return {
    width: h.columns,
    height: h.rows,
    bitsStored: h.bitsStored,
    photometric: h.photometric,
    spacing: h.spacing,
    metadata: h.metadata,
    transferSyntax: h.transferSyntax,
    frameCount: h.frameCount,
  };
}

const REQUIRED = [
  { tag: 'x00280010', name: 'Rows (0028,0010)', why: 'cannot determine image size' },
  { tag: 'x00280011', name: 'Columns (0028,0011)', why: 'cannot determine image size' },
  { tag: 'x00280100', name: 'Bits Allocated (0028,0100)', why: 'cannot tell how pixel values are stored' },
] as const;

const MONOCHROME = new Set(['MONOCHROME1', 'MONOCHROME2']);
const COLOUR = new Set(['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_ICT', 'YBR_RCT', 'YBR_PARTIAL_420']);

function missing(name: string, why: string): AppError {
  return new AppError('missing_element', `DICOM file has no ${name} element: ${why}`, { element: name });
}

function unsupported(message: string, detail: Record<string, unknown>): AppError {
  return new AppError('unsupported', message, detail);
}

/** A present element with no value reads as undefined, like an absent one. */
function us(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  return el && el.length >= 2 ? ds.uint16(tag) : undefined;
}

function readVoiLut(ds: DataSet, signed: boolean, warnings: string[]): VoiLut | undefined {
  const item = ds.elements['x00283010']?.items?.[0]?.dataSet;
  if (!item) return undefined;
  const count = us(item, 'x00283002');
  let first = item.uint16('x00283002', 1);
  const bits = item.uint16('x00283002', 2);
  const lut = item.elements['x00283006'];
  if (count === undefined || first === undefined || bits === undefined || !lut) {
    warnings.push('VOI LUT Sequence present but incomplete; ignored');
    return undefined;
  }
  const entries = count === 0 ? 65536 : count; // 0 encodes 2^16 (PS3.3 C.11.2.1.1)
  // The first mapped value is signed when the pixel data are (its VR is US or SS accordingly).
  if (signed && first > 32767) first -= 65536;
  const data = new Uint16Array(entries);
  const eightBitPacked = bits === 8 && lut.length === entries;
  for (let i = 0; i < entries; i++) {
    const v = eightBitPacked ? item.byteArray[lut.dataOffset + i] : item.uint16('x00283006', i);
    if (v === undefined) {
      warnings.push(`VOI LUT declares ${entries} entries but holds fewer; ignored`);
      return undefined;
    }
    data[i] = v;
  }
  return { firstMapped: first, bitsPerEntry: bits, data };
}

function readWindow(ds: DataSet, warnings: string[]): { centre: number; width: number } | undefined {
  const centre = number(ds, 'x00281050');
  const width = number(ds, 'x00281051');
  if (centre === undefined && width === undefined) return undefined;
  if (centre === undefined || width === undefined || width < 1) {
    warnings.push(`Window Center/Width unusable (${ds.string('x00281050') ?? '-'} / ${ds.string('x00281051') ?? '-'}); a percentile window was used`);
    return undefined;
  }
  return { centre, width };
}

/** headerOnly: the data set may end before the pixel data (a probe read only the file's start). */
export function readImageHeader(ds: DataSet, opts: { headerOnly?: boolean } = {}): DicomImageHeader {
  const warnings: string[] = [];
  const transferSyntax = cleanText(ds.string('x00020010')) ?? IMPLICIT_VR_LITTLE_ENDIAN;
  const syntax = transferSyntaxInfo(transferSyntax);
  if (!syntax) {
    throw unsupported(
      `DICOM transfer syntax ${transferSyntax} (${transferSyntaxName(transferSyntax)}) is not supported; export the image uncompressed, JPEG, JPEG 2000, JPEG-LS or RLE`,
      { transferSyntax },
    );
  }

  for (const r of REQUIRED) if (us(ds, r.tag) === undefined) throw missing(r.name, r.why);
  if (!ds.elements[PIXEL_DATA_TAG] && !opts.headerOnly) {
    if (ds.elements['x7fe00008'] || ds.elements['x7fe00009']) {
      throw unsupported('DICOM file holds floating-point pixel data, which is not supported for radiographs', {});
    }
    throw missing('Pixel Data (7FE0,0010)', 'the file holds no image (it may be a report or a presentation state)');
  }
  const rows = us(ds, 'x00280010')!;
  const columns = us(ds, 'x00280011')!;
  const bitsAllocated = us(ds, 'x00280100')!;
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw unsupported(`DICOM Bits Allocated is ${bitsAllocated}; only 8 and 16 bits per sample are supported`, { bitsAllocated });
  }

  let bitsStored = us(ds, 'x00280101');
  if (bitsStored === undefined) {
    bitsStored = bitsAllocated;
    warnings.push(`Bits Stored (0028,0101) missing; assumed ${bitsAllocated}`);
  }
  if (bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new AppError('corrupt', `DICOM Bits Stored (${bitsStored}) must be between 1 and Bits Allocated (${bitsAllocated})`, {
      bitsStored,
      bitsAllocated,
    });
  }
  const highBit = us(ds, 'x00280102');
  if (highBit !== undefined && highBit !== bitsStored - 1) {
    // Data not aligned to bit 0 are vanishingly rare and would need shifting we do not do.
    throw unsupported(`DICOM High Bit is ${highBit} with Bits Stored ${bitsStored}; only High Bit = Bits Stored - 1 is supported`, {
      highBit,
      bitsStored,
    });
  }
  const signed = us(ds, 'x00280103') === 1;

  let photometric = cleanText(ds.string('x00280004'))?.toUpperCase();
  let samplesPerPixel = us(ds, 'x00280002');
  if (samplesPerPixel === undefined) {
    samplesPerPixel = photometric && COLOUR.has(photometric) ? 3 : 1;
    warnings.push(`Samples per Pixel (0028,0002) missing; assumed ${samplesPerPixel}`);
  }
  if (photometric === undefined) {
    if (samplesPerPixel !== 1) throw missing('Photometric Interpretation (0028,0004)', 'cannot tell how colour samples are encoded');
    photometric = 'MONOCHROME2';
    warnings.push('Photometric Interpretation (0028,0004) missing; assumed MONOCHROME2');
  }
  if (photometric === 'PALETTE COLOR') {
    throw unsupported('DICOM PALETTE COLOR images are not supported; a radiograph should be MONOCHROME1 or MONOCHROME2', { photometric });
  }
  if (samplesPerPixel === 1 && !MONOCHROME.has(photometric)) {
    throw unsupported(`DICOM Photometric Interpretation ${photometric} with one sample per pixel is not supported`, { photometric });
  }
  if (samplesPerPixel === 3 && !COLOUR.has(photometric)) {
    throw unsupported(`DICOM Photometric Interpretation ${photometric} with three samples per pixel is not supported`, { photometric });
  }
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) {
    throw unsupported(`DICOM Samples per Pixel is ${samplesPerPixel}; only 1 (grey) and 3 (colour) are supported`, { samplesPerPixel });
  }
  if (samplesPerPixel === 3 && bitsAllocated !== 8) {
    throw unsupported(`DICOM colour images with ${bitsAllocated} bits per sample are not supported (8 only)`, { bitsAllocated });
  }
  if (ds.elements['x00283000']) warnings.push('Modality LUT Sequence present and ignored; Rescale Slope/Intercept used instead');

  const frames = number(ds, 'x00280008');
  const frameCount = frames !== undefined && Number.isInteger(frames) && frames > 1 ? frames : 1;

  const slope = number(ds, 'x00281053');
  const intercept = number(ds, 'x00281052');
  const voiName = cleanText(ds.string('x00281056'))?.toUpperCase();
  const voiFunction: VoiFunction = voiName === 'SIGMOID' || voiName === 'LINEAR_EXACT' ? voiName : 'LINEAR';

  return {
    transferSyntax,
    syntax,
    rows,
    columns,
    bitsAllocated,
    bitsStored,
    signed,
    samplesPerPixel,
    planarConfiguration: us(ds, 'x00280006') ?? 0,
    photometric,
    frameCount,
    rescaleSlope: slope !== undefined && slope !== 0 ? slope : 1,
    rescaleIntercept: intercept ?? 0,
    window: readWindow(ds, warnings),
    voiFunction,
    voiLut: readVoiLut(ds, signed, warnings),
    spacing: readSpacing(ds),
    metadata: readMetadata(ds),
    warnings,
  };
}
