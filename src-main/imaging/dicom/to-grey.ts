// Decoded DICOM samples to 8-bit display grey: colour by luma, grey through the DICOM chain
// (rescale, VOI LUT or window or percentiles, MONOCHROME1 inversion).
import { colourToGrey, type ColourLayout } from '../colour.js';
import { interleavePlanes } from '../codecs/frame.js';
import type { WindowUsed } from '../types.js';
import { identityWindow, renderGrey } from '../window.js';
import type { DicomImageHeader } from './header.js';

function colourLayout(h: DicomImageHeader): ColourLayout {
  // JPEG and JPEG 2000 decoders undo the colour transform themselves and return RGB.
  if (h.syntax.encoding === 'jpeg' || h.syntax.encoding === 'jpeg2000') return 'rgb';
  if (h.photometric === 'YBR_FULL') return 'ybr-full';
  if (h.photometric === 'YBR_FULL_422') return h.syntax.encoding.includes('native') ? 'ybr-full-422' : 'ybr-full';
  return 'rgb';
}

/** Decoded samples (pixelCount pixels, in the header's layout) to 8-bit display grey. */
export function toGrey(decoded: Uint8Array | Uint16Array, pixelCount: number, h: DicomImageHeader): { pixels: Uint8Array; window: WindowUsed } {
  if (h.samplesPerPixel === 3) {
    let samples = decoded;
    const native = h.syntax.encoding.includes('native');
    if (native && h.planarConfiguration === 1 && h.photometric !== 'YBR_FULL_422') {
      samples = interleavePlanes(samples.subarray(0, pixelCount * 3), 3);
    }
    return { pixels: colourToGrey(samples, pixelCount, colourLayout(h)), window: identityWindow() };
  }
  return renderGrey({
    samples: decoded.length === pixelCount ? decoded : decoded.subarray(0, pixelCount),
    bitsStored: h.bitsStored,
    signed: h.signed,
    slope: h.rescaleSlope,
    intercept: h.rescaleIntercept,
    voiLut: h.voiLut,
    window: h.window,
    voiFunction: h.voiFunction,
    // Presentation LUT Shape is deliberately not applied: DX images must set it to INVERSE
    // exactly when they are MONOCHROME1 (PS3.3 C.8.11.6), so honouring both would invert twice.
    invert: h.photometric === 'MONOCHROME1',
  });
}
