// libjpeg-turbo bound directly (native/jpeg-reduced, built by scripts/install.sh), for the
// model's reduced JPEG read: the luma alone at 1/2, 1/4 or 1/8 scale, area averaged to the
// letterbox size, on libuv's thread pool. Through sharp the same scaled decode costs about twice as
// much (libvips decodes all three colour planes and runs its own pipeline around the decoder), and
// the decode is most of what a detection adds to inference.
//
// The addon is optional: where it was not built (no libjpeg headers, another platform) the reduced
// read goes through sharp as before, and `nativeJpegStatus()` says why.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../util/paths.js';

export interface NativeGrey {
  /** width x height: the decoded pixels, or their area average when an output size was asked for */
  width: number;
  height: number;
  pixels: Float32Array | Uint8Array;
  /** the whole pixels of the scaled decode: floor(source / denom) */
  decodedWidth: number;
  decodedHeight: number;
  sourceWidth: number;
  sourceHeight: number;
}

interface Addon {
  decodeGreyScaled(bytes: Uint8Array, denom: number, sourceWidth: number, sourceHeight: number, outWidth: number, outHeight: number): Promise<unknown>;
  libjpegTurboVersion: number;
}

/** What the addon hands back, checked: it is a boundary like any other. */
const ResultSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  pixels: z.union([z.instanceof(Float32Array), z.instanceof(Uint8Array)]),
  decodedWidth: z.number().int().positive(),
  decodedHeight: z.number().int().positive(),
  sourceWidth: z.number().int().positive(),
  sourceHeight: z.number().int().positive(),
});

/** Why a native decode failed: the stream is damaged, or this reader does not take it (CMYK,
 *  12-bit); either way the caller's other readers decide. */
export class NativeJpegFailure extends Error {
  constructor(
    readonly code: 'corrupt' | 'unsupported' | 'no_memory',
    message: string,
  ) {
    super(message);
  }
}

export interface NativeJpeg {
  /** Decodes the JPEG's luma at 1/denom scale; with an output size, area averaged to it (float
   *  pixels), else the scaled pixels as they are (bytes). `source` is the size the caller checked
   *  against its limits: a frame header that says otherwise is refused before any allocation. */
  decodeGreyScaled(bytes: Uint8Array, denom: 1 | 2 | 4 | 8, source: { width: number; height: number }, out?: { width: number; height: number }): Promise<NativeGrey>;
  /** e.g. "libjpeg-turbo 2.1.5" */
  library: string;
}

const NATIVE_JPEG_ADDON = path.join('native', 'jpeg-reduced', 'build', 'Release', 'jpeg_reduced.node');

let loaded: { jpeg?: NativeJpeg; status: string } | undefined;

function versionText(n: number): string {
  return n > 0 ? `libjpeg-turbo ${Math.floor(n / 1e6)}.${Math.floor(n / 1e3) % 1000}.${n % 1000}` : 'libjpeg';
}

function addonPath(): string {
  // native code cannot be loaded from inside an asar archive: electron-builder unpacks it beside
  return path.join(projectRoot(), NATIVE_JPEG_ADDON).replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
}

function load(): { jpeg?: NativeJpeg; status: string } {
  if (process.env.MEDSAPIENS_NATIVE_JPEG === 'off') return { status: 'native JPEG reader turned off (MEDSAPIENS_NATIVE_JPEG=off)' };
  const file = addonPath();
  if (!fs.existsSync(file)) return { status: `native JPEG reader not built (${file} missing): JPEGs are read through sharp` };
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(file) as Addon;
  } catch (e) {
    return { status: `native JPEG reader failed to load (${(e as Error).message.split('\n')[0]}): JPEGs are read through sharp` };
  }
  const library = versionText(addon.libjpegTurboVersion);
  const jpeg: NativeJpeg = {
    library,
    async decodeGreyScaled(bytes, denom, source, out) {
      let raw: unknown;
      try {
        raw = await addon.decodeGreyScaled(bytes, denom, source.width, source.height, out?.width ?? 0, out?.height ?? 0);
      } catch (e) {
        // the addon rejects a stream it will not decode with one of these codes; anything else
        // (a TypeError from a wrong call) is a bug and stays what it is
        const code = (e as { code?: unknown }).code;
        if (code === 'corrupt' || code === 'unsupported' || code === 'no_memory') throw new NativeJpegFailure(code, (e as Error).message);
        throw e;
      }
      return ResultSchema.parse(raw);
    },
  };
  return { jpeg, status: `native JPEG reader: ${library}` };
}

/** The native reader, or undefined where it is not available (see nativeJpegStatus). */
export function nativeJpeg(): NativeJpeg | undefined {
  loaded ??= load();
  return loaded.jpeg;
}

/** One line for logs and bench: which JPEG reader the model path uses, and why. */
export function nativeJpegStatus(): string {
  loaded ??= load();
  return loaded.status;
}
