// Deterministic test images with structure a codec bug would disturb: gradients in both
// directions, a bright block, a dark block and pseudo-random texture.
export const FIXTURE_ROWS = 80;
export const FIXTURE_COLUMNS = 96;

function noise(i: number): number {
  // A small LCG-style hash; Math.random would make fixtures differ on every run.
  return ((i * 1103515245 + 12345) >>> 16) & 0xff;
}

export function syntheticU12(rows = FIXTURE_ROWS, columns = FIXTURE_COLUMNS): Uint16Array {
  const px = new Uint16Array(rows * columns);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      let v = Math.round((x / columns) * 2500 + (y / rows) * 1000) + (noise(y * columns + x) >> 2);
      if (x > columns * 0.6 && y < rows * 0.3) v = 4000;
      if (x < columns * 0.2 && y > rows * 0.7) v = 50;
      px[y * columns + x] = Math.min(4095, v);
    }
  }
  return px;
}

export function syntheticRgb(rows = FIXTURE_ROWS, columns = FIXTURE_COLUMNS): Uint8Array {
  const px = new Uint8Array(rows * columns * 3);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x++) {
      const i = (y * columns + x) * 3;
      px[i] = Math.round((x / columns) * 255);
      px[i + 1] = Math.round((y / rows) * 255);
      px[i + 2] = noise(y * columns + x);
    }
  }
  return px;
}
