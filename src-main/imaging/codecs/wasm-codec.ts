// One lazily instantiated emscripten module per codec, with its console output captured.
// The codecs print progress lines ("[INFO] ...") on stdout, which would corrupt the CLI's JSON
// output; emscripten routes all of its stdout/stderr writes through Module.print/printErr, so
// overriding those at instantiation keeps them off the process streams entirely. The captured
// lines are kept only to explain a failure.
import { copySamples, type DecodedFrame } from './frame.js';

const MAX_CHATTER_LINES = 40;

export type EmscriptenFactory = (overrides?: Record<string, unknown>) => Promise<unknown>;

/** A codec failure, with what the codec printed while failing. */
export class CodecFailure extends Error {
  constructor(
    readonly codec: string,
    readonly reason: string,
    readonly chatter: string[],
  ) {
    const said = chatter.filter((l) => /error|warn|fail|invalid|truncat/i.test(l)).slice(-3);
    super(said.length ? `${reason} (${codec}: ${said.join('; ')})` : reason);
    this.name = 'CodecFailure';
  }
}

/** Native code rethrows C++ exceptions as bare numbers and older JS code throws strings. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'number') return `native decoder exception ${e}`;
  if (typeof e === 'string') return e;
  return String(e);
}

export class WasmCodec<M> {
  private instance: Promise<M> | undefined;
  private chatter: string[] = [];

  constructor(
    readonly name: string,
    private readonly loadFactory: () => Promise<EmscriptenFactory>,
  ) {}

  private capture = (line: unknown): void => {
    this.chatter.push(String(line));
    if (this.chatter.length > MAX_CHATTER_LINES) this.chatter.shift();
  };

  private module(): Promise<M> {
    this.instance ??= this.loadFactory().then(
      (factory) => factory({ print: this.capture, printErr: this.capture }) as Promise<M>,
    );
    return this.instance;
  }

  /** Runs `fn` against the module; on any failure the instance is dropped (an aborted wasm
   *  instance stays unusable) and a CodecFailure carries the reason. */
  async run<T>(fn: (module: M) => T): Promise<T> {
    let mod: M;
    try {
      mod = await this.module();
    } catch (e) {
      this.instance = undefined;
      throw new CodecFailure(this.name, `the ${this.name} codec could not be loaded: ${describeThrown(e)}`, []);
    }
    this.chatter = [];
    try {
      return fn(mod);
    } catch (e) {
      this.instance = undefined;
      throw new CodecFailure(this.name, describeThrown(e), [...this.chatter]);
    }
  }
}

/** Frame info the Cornerstone codec builds report. */
export interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}

/** The decoder object the Cornerstone codec builds (OpenJPEG, CharLS, libjpeg-turbo) share. */
export interface WasmFrameDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

/** Their common protocol: fill the encoded buffer, decode, copy the samples out of wasm memory,
 *  and always free the decoder. `finish` adapts what a codec returns (e.g. planar order). */
export function decodeWith<D extends WasmFrameDecoder>(
  decoder: D,
  encoded: Uint8Array,
  bitsOf: (info: WasmFrameInfo) => number,
  finish: (samples: Uint8Array | Uint16Array, info: WasmFrameInfo, decoder: D) => Uint8Array | Uint16Array = (x) => x,
): DecodedFrame {
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const samples = finish(copySamples(decoder.getDecodedBuffer(), bitsOf(info)), info, decoder);
    return { width: info.width, height: info.height, components: info.componentCount, samples };
  } finally {
    decoder.delete();
  }
}
