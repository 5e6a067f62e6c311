// Turns file bytes into a dicom-parser DataSet, whatever way the stream starts, and maps the
// parser's thrown strings and objects to typed errors.
import { inflateRawSync } from 'node:zlib';
import { AppError } from '../../../src-shared/errors.js';
import { dicomLayout, type DicomLayout } from '../sniff.js';
import { describeThrown } from '../codecs/wasm-codec.js';
import { dicomParser, type DataSet } from './parser.js';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from './transfer-syntax.js';

export const PIXEL_DATA_TAG = 'x7fe00010';

export interface ParseOptions {
  /** Stop before the pixel data (header-only reads of a file's first bytes). */
  headerOnly?: boolean;
}

/** Puts back a preamble where the writer left it out, so the parser sees a Part 10 stream. */
function asPart10(bytes: Uint8Array, layout: DicomLayout): { bytes: Uint8Array; defaultTs?: string } {
  switch (layout) {
    case 'part10':
      return { bytes };
    case 'dicm-no-preamble': {
      const out = new Uint8Array(bytes.length + 128);
      out.set(bytes, 128);
      return { bytes: out };
    }
    case 'meta-no-preamble': {
      const out = new Uint8Array(bytes.length + 132);
      out.set([0x44, 0x49, 0x43, 0x4d], 128);
      out.set(bytes, 132);
      return { bytes: out };
    }
    case 'raw-explicit':
      return { bytes, defaultTs: EXPLICIT_VR_LITTLE_ENDIAN };
    case 'raw-implicit':
      return { bytes, defaultTs: IMPLICIT_VR_LITTLE_ENDIAN };
  }
}

// Deflated data sets: dicom-parser's own Node path assumes a Buffer; this works for any bytes and
// caps the inflated size, so a deflate bomb fails instead of exhausting memory.
const MAX_INFLATED_BYTES = 1536 * 1024 * 1024;
function inflate(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position), { maxOutputLength: MAX_INFLATED_BYTES });
  const out = new Uint8Array(position + inflated.length);
  out.set(bytes.subarray(0, position));
  out.set(inflated, position);
  return out;
}

function parseFailure(e: unknown, partial: DataSet | undefined, headerOnly: boolean): AppError {
  const reason = describeThrown(e);
  const truncated = /overrun|beyond|end of|outside|past the end|not found/i.test(reason);
  const message = truncated
    ? `DICOM file ends early or is damaged (truncated?): ${reason}`
    : `DICOM file could not be parsed: ${reason}`;
  return new AppError('corrupt', message, {
    reason,
    elementsRead: partial ? Object.keys(partial.elements).length : 0,
    headerOnly,
  });
}

/** dicom-parser stops quietly at some truncation points; catch what it lets through. */
function checkComplete(ds: DataSet, headerOnly: boolean): void {
  const elements = Object.values(ds.elements);
  if (!elements.some((el) => el.tag > 'x0002ffff')) {
    throw new AppError('corrupt', 'DICOM file ends after its meta header: it holds no data set (truncated?)');
  }
  if (headerOnly) return;
  const over = elements.find((el) => el.length > 0 && el.dataOffset + el.length > ds.byteArray.length);
  if (over) {
    throw new AppError('corrupt', `DICOM file ends inside element ${over.tag} (truncated?)`, { element: over.tag });
  }
}

export interface ParsedDicom {
  dataSet: DataSet;
  /** Set when the parser failed after reading the header (useful to header-only probes). */
  partial: boolean;
}

export function parseDicomBytes(input: Uint8Array, opts: ParseOptions = {}): ParsedDicom {
  const layout = dicomLayout(input);
  if (!layout) throw new AppError('not_an_image', 'The file does not start like a DICOM file');
  const { bytes, defaultTs } = asPart10(input, layout);
  try {
    const dataSet = dicomParser.parseDicom(bytes, {
      inflater: inflate,
      ...(defaultTs ? { TransferSyntaxUID: defaultTs } : {}),
      ...(opts.headerOnly ? { untilTag: PIXEL_DATA_TAG } : {}),
    });
    checkComplete(dataSet, opts.headerOnly ?? false);
    return { dataSet, partial: false };
  } catch (e) {
    if (e instanceof AppError) throw e;
    // dicom-parser throws { exception, dataSet } once it has started on the data set.
    const wrapped = e as { exception?: unknown; dataSet?: DataSet } | undefined;
    const partial = wrapped && typeof wrapped === 'object' && 'exception' in wrapped ? wrapped.dataSet : undefined;
    if (opts.headerOnly && partial && partial.elements['x00280010'] && partial.elements['x00280011']) {
      return { dataSet: partial, partial: true };
    }
    throw parseFailure(partial ? wrapped!.exception : e, partial, opts.headerOnly ?? false);
  }
}
