// A minimal DICOM Part 10 writer for building test inputs: exactly the elements a test names,
// in any transfer syntax's byte layout, including deliberately broken files.
import { deflateRawSync } from 'node:zlib';

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSV1: '1.2.840.10008.1.2.4.70',
  jpegLs: '1.2.840.10008.1.2.4.80',
  jpegLsNear: '1.2.840.10008.1.2.4.81',
  j2kLossless: '1.2.840.10008.1.2.4.90',
  j2k: '1.2.840.10008.1.2.4.91',
  rle: '1.2.840.10008.1.2.5',
  htj2k: '1.2.840.10008.1.2.4.201',
} as const;

export type Value = string | number[] | Uint8Array | Uint16Array | Item[];
export interface El {
  /** 0xGGGGEEEE */
  tag: number;
  vr: string;
  value: Value;
}
export type Item = El[];

/** Pixel data as encapsulated fragments (one per entry), with an empty offset table. */
export interface Encapsulated {
  fragments: Uint8Array[];
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

class Out {
  private chunks: Uint8Array[] = [];
  constructor(readonly littleEndian: boolean) {}
  bytes(b: Uint8Array) {
    this.chunks.push(b);
  }
  u16(v: number) {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, this.littleEndian);
    this.bytes(b);
  }
  u32(v: number) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, this.littleEndian);
    this.bytes(b);
  }
  concat(): Uint8Array {
    const n = this.chunks.reduce((a, c) => a + c.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

function encodeValue(el: El, le: boolean, explicit: boolean): Uint8Array {
  const v = el.value;
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    if (b.length % 2 === 0) return new Uint8Array(b);
    const padded = new Uint8Array(b.length + 1);
    padded.set(b);
    padded[b.length] = el.vr === 'UI' || el.vr === 'OB' ? 0 : 0x20;
    return padded;
  }
  if (v instanceof Uint8Array) {
    if (v.length % 2 === 0) return v;
    const padded = new Uint8Array(v.length + 1);
    padded.set(v);
    return padded;
  }
  if (v instanceof Uint16Array) {
    const b = new Uint8Array(v.length * 2);
    const dv = new DataView(b.buffer);
    v.forEach((x, i) => dv.setUint16(2 * i, x, le));
    return b;
  }
  if (el.vr === 'SQ') {
    const o = new Out(le);
    for (const item of v as Item[]) {
      const body = encodeElements(item, le, explicit);
      o.u16(0xfffe);
      o.u16(0xe000);
      o.u32(body.length);
      o.bytes(body);
    }
    return o.concat();
  }
  const nums = v as number[];
  const size = el.vr === 'US' || el.vr === 'SS' ? 2 : el.vr === 'FD' ? 8 : 4;
  const b = new Uint8Array(nums.length * size);
  const dv = new DataView(b.buffer);
  nums.forEach((x, i) => {
    if (el.vr === 'US') dv.setUint16(i * 2, x, le);
    else if (el.vr === 'SS') dv.setInt16(i * 2, x, le);
    else if (el.vr === 'UL') dv.setUint32(i * 4, x, le);
    else if (el.vr === 'SL') dv.setInt32(i * 4, x, le);
    else if (el.vr === 'FL') dv.setFloat32(i * 4, x, le);
    else if (el.vr === 'FD') dv.setFloat64(i * 8, x, le);
    else throw new Error(`numeric VR ${el.vr} not handled`);
  });
  return b;
}

function writeHeader(o: Out, tag: number, vr: string, length: number, explicit: boolean) {
  o.u16(tag >>> 16);
  o.u16(tag & 0xffff);
  if (!explicit) {
    o.u32(length);
    return;
  }
  o.bytes(new Uint8Array(Buffer.from(vr, 'ascii')));
  if (LONG_VRS.has(vr)) {
    o.u16(0);
    o.u32(length);
  } else {
    o.u16(length);
  }
}

export function encodeElements(elements: El[], le: boolean, explicit: boolean): Uint8Array {
  const o = new Out(le);
  for (const el of [...elements].sort((a, b) => a.tag - b.tag)) {
    const value = encodeValue(el, le, explicit);
    writeHeader(o, el.tag, el.vr, value.length, explicit);
    o.bytes(value);
  }
  return o.concat();
}

function encapsulate(pixels: Encapsulated): Uint8Array {
  const o = new Out(true);
  o.u16(0x7fe0);
  o.u16(0x0010);
  o.bytes(new Uint8Array(Buffer.from('OB', 'ascii')));
  o.u16(0);
  o.u32(0xffffffff);
  const item = (b: Uint8Array) => {
    o.u16(0xfffe);
    o.u16(0xe000);
    const padded = b.length % 2 ? Uint8Array.from([...b, 0]) : b;
    o.u32(padded.length);
    o.bytes(padded);
  };
  item(new Uint8Array(0)); // empty basic offset table
  for (const f of pixels.fragments) item(f);
  o.u16(0xfffe);
  o.u16(0xe0dd);
  o.u32(0);
  return o.concat();
}

export interface WriteOptions {
  transferSyntax: string;
  /** Leave out the 128-byte preamble and 'DICM' (and the meta group with 'raw'). */
  layout?: 'part10' | 'no-preamble' | 'raw';
  encapsulated?: Encapsulated;
}

export function writeDicom(dataset: El[], opts: WriteOptions): Uint8Array {
  const ts = opts.transferSyntax;
  const le = ts !== TS.explicitBE;
  const explicit = ts !== TS.implicitLE;
  let body = encodeElements(dataset, le, explicit);
  if (opts.encapsulated) body = Uint8Array.from([...body, ...encapsulate(opts.encapsulated)]);
  if (ts === TS.deflated) body = new Uint8Array(deflateRawSync(body));
  if (opts.layout === 'raw') return body;

  const metaElements: El[] = [
    { tag: 0x00020001, vr: 'OB', value: Uint8Array.from([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00020003, vr: 'UI', value: '1.2.3.4.5.6.7' },
    { tag: 0x00020010, vr: 'UI', value: ts },
  ];
  const metaBody = encodeElements(metaElements, true, true);
  const groupLength = encodeElements([{ tag: 0x00020000, vr: 'UL', value: [metaBody.length] }], true, true);
  const parts: Uint8Array[] = [];
  if (opts.layout !== 'no-preamble') parts.push(new Uint8Array(128));
  parts.push(new Uint8Array(Buffer.from('DICM', 'ascii')), groupLength, metaBody, body);
  return new Uint8Array(Buffer.concat(parts));
}

/** The image-describing elements of a grey image, to be extended or trimmed by a test. */
export function greyImageElements(opts: {
  rows: number;
  columns: number;
  bitsAllocated: 8 | 16;
  bitsStored?: number;
  signed?: boolean;
  photometric?: string;
  pixels?: Uint8Array | Uint16Array;
  extra?: El[];
}): El[] {
  const els: El[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' },
    { tag: 0x00080018, vr: 'UI', value: '1.2.3.4.5.6.7' },
    { tag: 0x00080060, vr: 'CS', value: 'OT' },
    { tag: 0x00100010, vr: 'PN', value: 'Test^Patient' },
    { tag: 0x00280002, vr: 'US', value: [1] },
    { tag: 0x00280004, vr: 'CS', value: opts.photometric ?? 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: [opts.rows] },
    { tag: 0x00280011, vr: 'US', value: [opts.columns] },
    { tag: 0x00280100, vr: 'US', value: [opts.bitsAllocated] },
    { tag: 0x00280101, vr: 'US', value: [opts.bitsStored ?? opts.bitsAllocated] },
    { tag: 0x00280102, vr: 'US', value: [(opts.bitsStored ?? opts.bitsAllocated) - 1] },
    { tag: 0x00280103, vr: 'US', value: [opts.signed ? 1 : 0] },
    ...(opts.extra ?? []),
  ];
  if (opts.pixels) els.push({ tag: 0x7fe00010, vr: opts.bitsAllocated === 16 ? 'OW' : 'OB', value: opts.pixels });
  return els;
}

export function withoutTag(elements: El[], tag: number): El[] {
  return elements.filter((e) => e.tag !== tag);
}

export function replaceTag(elements: El[], el: El): El[] {
  return [...withoutTag(elements, el.tag), el];
}
