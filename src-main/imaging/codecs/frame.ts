// What every codec hands back: samples in pixel order, components interleaved per pixel.
// Values are the raw decoded bits (unsigned containers); signedness and BitsStored masking are
// applied once, later, from the DICOM header.

export interface DecodedFrame {
  width: number;
  height: number;
  components: number;
  samples: Uint8Array | Uint16Array;
}

/** Copies codec output (bytes of 8- or 16-bit little-endian samples) out of wasm memory. The
 *  copy is needed anyway: the view dies with the next call into the codec. Assumes a
 *  little-endian host, as every platform Electron ships on is. */
export function copySamples(bytes: Uint8Array, bitsPerSample: number): Uint8Array | Uint16Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return bitsPerSample > 8 ? new Uint16Array(copy.buffer, 0, copy.length >> 1) : copy;
}

/** Planar (RRR...GGG...BBB) to interleaved (RGBRGB...). */
export function interleavePlanes<T extends Uint8Array | Uint16Array>(planar: T, components: number): T {
  const n = planar.length / components;
  const out = new (planar.constructor as { new (len: number): T })(planar.length);
  for (let c = 0; c < components; c++) {
    const base = c * n;
    for (let i = 0; i < n; i++) out[i * components + c] = planar[base + i]!;
  }
  return out;
}

