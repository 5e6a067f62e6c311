// Where a C-STORE's dataset goes while it arrives: straight into a file in the inbox's incoming
// folder after the given header (its Part 10 preamble and meta group), never into memory, and at
// most maxBytes of it. Past the limit the bytes are dropped (the association keeps its pace, the
// sender gets a refusal at the end) and the file is removed. The finished file is synced to disk.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';

export class CappedFileStream extends Writable {
  readonly path: string;
  bytes = 0;
  tooLarge = false;
  private fd: number | null;

  constructor(dir: string, private readonly maxBytes: number, header: Uint8Array = new Uint8Array(0)) {
    // not destroyed by itself once finished: the finished file is the received object, kept until
    // it is checked and moved (destroy() is for a transfer cut off)
    super({ autoDestroy: false });
    this.path = path.join(dir, `${crypto.randomUUID()}.part`);
    this.fd = fs.openSync(this.path, 'wx', 0o600);
    fs.writeSync(this.fd, header);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.bytes += chunk.length;
    if (this.tooLarge) return done();
    if (this.bytes > this.maxBytes) {
      this.tooLarge = true;
      this.discard();
      return done();
    }
    fs.write(this.fd!, chunk, 0, chunk.length, null, (e) => done(e));
  }

  override _final(done: (e?: Error | null) => void): void {
    if (this.fd === null) return done();
    const fd = this.fd;
    this.fd = null;
    fs.fsync(fd, (synced) => fs.close(fd, (closed) => done(synced ?? closed)));
  }

  override _destroy(err: Error | null, done: (e?: Error | null) => void): void {
    this.discard();
    done(err);
  }

  /** closes and removes the file (too large, refused, or cut off); a no-op once it was moved away */
  discard(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = null;
    }
    fs.rmSync(this.path, { force: true });
  }
}
