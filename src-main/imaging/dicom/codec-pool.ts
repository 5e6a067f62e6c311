// One worker thread for the compressed-frame codecs, started on first use and not keeping the
// process alive; requests are answered in turn. If the worker cannot start (a packaging problem),
// or fails, its frames are decoded here instead: slower for the server, never a failed import.
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../src-shared/errors.js';
import { CodecFailure } from '../codecs/wasm-codec.js';
import type { DecodedFrame } from '../codecs/frame.js';
import type { CodecReply } from './codec-worker.js';
import type { DicomImageHeader } from './header.js';

function workerUrl(): URL {
  // from sources (tsx) a worker's .ts entry needs tsx registered inside it first
  return import.meta.url.endsWith('.ts') ? new URL('./codec-worker-dev.mjs', import.meta.url) : new URL('./codec-worker.js', import.meta.url);
}

let worker: Worker | null = null;
let broken = false;
let nextId = 1;
interface Request {
  bytes: Uint8Array;
  header: DicomImageHeader;
  resolve: (f: DecodedFrame) => void;
  reject: (e: unknown) => void;
}
const pending = new Map<number, Request>();

async function decodeHere(bytes: Uint8Array, header: DicomImageHeader): Promise<DecodedFrame> {
  return (await import('./decode-frame.js')).runCodec(bytes, header);
}

function start(): Worker | null {
  if (worker || broken) return worker;
  try {
    const w = new Worker(workerUrl());
    w.unref();
    w.on('message', (r: CodecReply) => {
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      if (pending.size === 0) w.unref();
      if (r.ok) p.resolve(r.frame);
      else if (r.error.kind === 'app') p.reject(new AppError(r.error.code, r.error.message, r.error.detail));
      else if (r.error.kind === 'codec') p.reject(new CodecFailure(r.error.codec, r.error.reason, r.error.chatter));
      else p.reject(new Error(r.error.message));
    });
    // a worker that fails (cannot load its script, runs out of memory) is not started again: its
    // frames, and every later one, are decoded here
    const fail = () => {
      worker = null;
      broken = true;
      const left = [...pending.values()];
      pending.clear();
      for (const p of left) decodeHere(p.bytes, p.header).then(p.resolve, p.reject);
    };
    w.on('error', fail);
    w.on('exit', (code) => code !== 0 && fail());
    worker = w;
  } catch {
    broken = true;
  }
  return worker;
}

/** The frame decoded on the worker thread; on this thread where there is none. */
export async function decodeOffThread(bytes: Uint8Array, header: DicomImageHeader): Promise<DecodedFrame> {
  const w = start();
  if (!w) return decodeHere(bytes, header);
  const id = nextId++;
  const copy = bytes.slice();
  const done = new Promise<DecodedFrame>((resolve, reject) => pending.set(id, { bytes: copy, header, resolve, reject }));
  // kept alive while it has work: a one-shot command waits for its frame
  w.ref();
  w.postMessage({ id, bytes: copy, header });
  return done;
}
