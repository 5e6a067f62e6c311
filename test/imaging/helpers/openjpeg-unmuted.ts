// Child process for stdout.test.ts, the control: OpenJPEG used without our print overrides
// writes its progress to stdout, so the main test is known to be able to see such output.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const quiet = { print: () => {}, printErr: () => {} };
const full = await (require('@cornerstonejs/codec-openjpeg/wasmjs') as (o: object) => Promise<any>)(quiet);
const enc = new full.J2KEncoder();
enc.getDecodedBuffer({ width: 32, height: 32, bitsPerSample: 8, componentCount: 1, isSigned: false }).fill(7);
enc.encode();
const stream = new Uint8Array(enc.getEncodedBuffer());

const decoderModule = await (require('@cornerstonejs/codec-openjpeg/decodewasmjs') as (o?: object) => Promise<any>)();
const dec = new decoderModule.J2KDecoder();
dec.getEncodedBuffer(stream.length).set(stream);
dec.decode();
process.stdout.write('done\n');
