// A compressed frame is decoded on a worker thread: while a 2000 x 2128 JPEG 2000 DICOM decodes,
// the main thread (the server's) keeps running; decoded here instead, it stalls for the whole
// decode. Both give the same samples. The stall is compared between the two ways on this machine,
// not against a fixed time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { parseDicomBytes } from '../../src-main/imaging/dicom/parse.js';
import { readImageHeader } from '../../src-main/imaging/dicom/header.js';
import { firstFrameBytes } from '../../src-main/imaging/dicom/frame.js';
import { decodeFirstFrame } from '../../src-main/imaging/dicom/decode-frame.js';
import { dicomFile } from './helpers/paths.js';

/** The longest the main thread went without running a 2 ms timer while `work` ran. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 2);
  try {
    const value = await work();
    longest = Math.max(longest, performance.now() - last);
    return { value, stallMs: longest };
  } finally {
    clearInterval(timer);
  }
}

test('a JPEG 2000 frame decodes off the main thread: same samples, no stall', async () => {
  const bytes = fs.readFileSync(dicomFile('dx-chest-j2k-lossless.dcm'));
  const h = readImageHeader(parseDicomBytes(bytes).dataSet);
  const encoded = firstFrameBytes(parseDicomBytes(bytes).dataSet, h);
  await decodeFirstFrame(encoded, h); // the worker and its codec started
  await decodeFirstFrame(encoded, h, { inThread: true }); // and this thread's codec
  const here = await longestStall(() => decodeFirstFrame(encoded, h, { inThread: true }));
  const off = await longestStall(() => decodeFirstFrame(encoded, h));
  assert.deepEqual([off.value.width, off.value.height], [h.columns, h.rows]);
  assert.ok(Buffer.from(off.value.samples.buffer, off.value.samples.byteOffset, off.value.samples.byteLength).equals(Buffer.from(here.value.samples.buffer, here.value.samples.byteOffset, here.value.samples.byteLength)), 'the same samples either way');
  assert.ok(here.stallMs > 50, `decoding here stalls the thread (${here.stallMs.toFixed(0)} ms): the comparison means something`);
  assert.ok(off.stallMs < here.stallMs / 3, `off the thread: longest stall ${off.stallMs.toFixed(0)} ms vs ${here.stallMs.toFixed(0)} ms here`);
});
