// Colour to grey. Radiographs saved as colour (a scanner's RGB export, a JPEG converted to
// DICOM) carry the same grey in every channel, so luma loses nothing that matters to the model.

/** How the samples of a colour frame are laid out after decoding. */
export type ColourLayout =
  | 'rgb' // R G B per pixel
  | 'ybr-full' // Y Cb Cr per pixel: Y is already the grey
  | 'ybr-full-422'; // Y0 Y1 Cb Cr per pair of pixels (uncompressed YBR_FULL_422)

/** ITU-R BT.601 luma, the weights JPEG's own YCbCr uses, in the 16-bit fixed point Pillow's
 *  convert('L') uses: the training pipeline reads colour files that way, so the app must too. */
export function colourToGrey(samples: Uint8Array | Uint16Array, pixelCount: number, layout: ColourLayout): Uint8Array {
  const out = new Uint8Array(pixelCount);
  if (layout === 'ybr-full-422') {
    for (let i = 0; i < pixelCount; i += 2) {
      out[i] = samples[2 * i]!;
      if (i + 1 < pixelCount) out[i + 1] = samples[2 * i + 1]!;
    }
  } else if (layout === 'ybr-full') {
    for (let i = 0; i < pixelCount; i++) out[i] = samples[3 * i]!;
  } else {
    for (let i = 0; i < pixelCount; i++) {
      out[i] = (19595 * samples[3 * i]! + 38470 * samples[3 * i + 1]! + 7471 * samples[3 * i + 2]! + 0x8000) >>> 16;
    }
  }
  return out;
}
