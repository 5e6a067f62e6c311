// Maps grey samples of up to 16 bits to 8-bit display values. Every stored value goes through the
// same chain (mask to BitsStored → sign → rescale → VOI → invert), so the chain is evaluated once
// per possible stored value into a lookup table and the image is then one table lookup per pixel.
import type { WindowUsed } from './types.js';

/** A VOI LUT (PS3.3 C.11.2): entry i is the output for input value firstMapped + i. */
export interface VoiLut {
  firstMapped: number;
  bitsPerEntry: number;
  data: Uint16Array;
}

export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

/** Percentiles of the robust window, chosen to ignore collimator edges and burnt-out spots. */
/** The window of 8-bit data shown as they are (no VOI): every grey level is its own. */
export function identityWindow(): WindowUsed {
  return { centre: 128, width: 256, source: 'none' };
}

export const PERCENTILE_LOW = 0.005;
export const PERCENTILE_HIGH = 0.995;

export interface GreyInput {
  samples: Uint8Array | Uint16Array;
  bitsStored: number;
  signed: boolean;
  slope?: number;
  intercept?: number;
  voiLut?: VoiLut;
  window?: { centre: number; width: number };
  voiFunction?: VoiFunction;
  /** MONOCHROME1 or Presentation LUT Shape INVERSE: low values display white. */
  invert?: boolean;
}

export interface GreyOutput {
  pixels: Uint8Array;
  window: WindowUsed;
}

/** DICOM PS3.3 C.11.2.1.2: LINEAR (the default), LINEAR_EXACT and SIGMOID window functions. */
function windowFunction(centre: number, width: number, fn: VoiFunction): (x: number) => number {
  if (fn === 'SIGMOID') return (x) => 255 / (1 + Math.exp((-4 * (x - centre)) / width));
  if (fn === 'LINEAR_EXACT') return (x) => ((x - centre) / width + 0.5) * 255;
  const lo = centre - 0.5 - (width - 1) / 2;
  const hi = centre - 0.5 + (width - 1) / 2;
  return (x) => (x <= lo ? 0 : x > hi ? 255 : ((x - (centre - 0.5)) / (width - 1) + 0.5) * 255);
}

function voiLutFunction(lut: VoiLut): { fn: (x: number) => number; window: WindowUsed } {
  let max = 0;
  for (const v of lut.data) if (v > max) max = v;
  // Many LUTs declare 16 bits per entry but use 12; scale by the range actually used.
  const declared = 2 ** lut.bitsPerEntry - 1;
  const outMax = max > 0 && max < declared / 2 ? 2 ** Math.ceil(Math.log2(max + 1)) - 1 : declared;
  const last = lut.data.length - 1;
  const fn = (x: number): number => {
    const i = Math.min(last, Math.max(0, Math.round(x) - lut.firstMapped));
    return (lut.data[i]! * 255) / outMax;
  };
  return { fn, window: { centre: lut.firstMapped + lut.data.length / 2, width: lut.data.length, source: 'voi_lut' } };
}

/** Value of a masked stored sample, sign-extended from BitsStored when the data are signed. */
function storedValue(raw: number, bitsStored: number, signed: boolean): number {
  return signed && raw >= 2 ** (bitsStored - 1) ? raw - 2 ** bitsStored : raw;
}

function percentileWindow(input: GreyInput, slope: number, intercept: number): WindowUsed {
  const size = 2 ** input.bitsStored;
  const mask = size - 1;
  const histogram = new Uint32Array(size);
  const { samples } = input;
  for (let i = 0; i < samples.length; i++) histogram[samples[i]! & mask]!++;
  // Walk values in ascending stored order: for signed data the negative half comes first.
  const half = input.signed ? size / 2 : 0;
  const lowCount = samples.length * PERCENTILE_LOW;
  const highCount = samples.length * PERCENTILE_HIGH;
  let seen = 0;
  let lo: number | undefined;
  let hi: number | undefined;
  for (let k = 0; k < size; k++) {
    const raw = (k + half) & mask;
    const count = histogram[raw]!;
    if (count === 0) continue;
    seen += count;
    const value = storedValue(raw, input.bitsStored, input.signed);
    if (lo === undefined && seen > lowCount) lo = value;
    if (seen >= highCount) {
      hi = value;
      break;
    }
  }
  lo ??= 0;
  hi ??= lo;
  let a = lo * slope + intercept;
  let b = hi * slope + intercept;
  if (a > b) [a, b] = [b, a];
  if (b - a < 1) b = a + 1; // a flat image still needs a non-degenerate window
  // Width and centre chosen so the DICOM linear function maps a to 0 and b to 255.
  return { centre: (a + b + 1) / 2, width: b - a + 1, source: 'percentile' };
}

export function renderGrey(input: GreyInput): GreyOutput {
  const { bitsStored, signed } = input;
  if (bitsStored < 1 || bitsStored > 16) throw new RangeError(`bitsStored ${bitsStored} outside 1..16`);
  const slope = input.slope ?? 1;
  const intercept = input.intercept ?? 0;
  const size = 2 ** bitsStored;
  const mask = size - 1;

  let fn: (x: number) => number;
  let window: WindowUsed;
  if (input.voiLut) {
    ({ fn, window } = voiLutFunction(input.voiLut));
  } else if (input.window) {
    window = { ...input.window, source: 'window' };
    fn = windowFunction(input.window.centre, input.window.width, input.voiFunction ?? 'LINEAR');
  } else if (bitsStored <= 8 && !signed && slope === 1 && intercept === 0) {
    // Already display-ready 8-bit data: copy as they are.
    window = identityWindow();
    fn = (x) => x;
  } else {
    window = percentileWindow(input, slope, intercept);
    fn = windowFunction(window.centre, window.width, 'LINEAR');
  }

  if (window.source === 'none' && bitsStored === 8 && !input.invert && input.samples instanceof Uint8Array) {
    // the identity on 8-bit data: a block copy instead of millions of table lookups
    return { pixels: input.samples.slice(), window };
  }
  const lut = new Uint8Array(size);
  for (let raw = 0; raw < size; raw++) {
    const v = Math.round(Math.min(255, Math.max(0, fn(storedValue(raw, bitsStored, signed) * slope + intercept))));
    lut[raw] = input.invert ? 255 - v : v;
  }
  const { samples } = input;
  const pixels = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) pixels[i] = lut[samples[i]! & mask]!;
  return { pixels, window };
}
