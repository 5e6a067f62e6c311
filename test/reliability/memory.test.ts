// Batch memory stays flat with folder size: `medsapiens batch` on 10 and on 40 ISBI images
// (symlinks into temp folders, separate databases); the peak resident set of the CLI process
// for 40 must be within 15% or 40 MB of the peak for 10 (whichever is larger). The peak is read
// twice: getrusage's ru_maxrss written at exit by a preload, and VmHWM from /proc polled while
// it runs (a cross-check; the first is exact).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ISBI } from '../helpers/cli.js';
import { HERE, sleep, startCli } from './helpers.js';

const MB = 1024 * 1024;

function vmHwm(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function batchPeak(n: number): Promise<{ maxRss: number; hwm: number | null; seconds: number }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `ms-memory-${n}-`));
  const folder = path.join(tmp, 'in');
  fs.mkdirSync(folder);
  for (let i = 0; i < n; i++) {
    const id = String(101 + i).padStart(3, '0');
    fs.symlinkSync(path.join(ISBI, 'images', `${id}.jpg`), path.join(folder, `${id}.jpg`));
  }
  const rssFile = path.join(tmp, 'rss.json');
  const t0 = performance.now();
  const p = startCli(['batch', folder, '--db', path.join(tmp, 'cases.sqlite'), '--out', path.join(tmp, 'results.csv')], {
    preload: [path.join(HERE, 'rss-recorder.mjs')],
    env: { MEDSAPIENS_RSS_FILE: rssFile },
  });
  let hwm: number | null = null;
  let ended = false;
  void p.exited.then(() => (ended = true));
  while (!ended) {
    hwm = vmHwm(p.child.pid!) ?? hwm;
    await sleep(100);
  }
  const e = await p.exited;
  assert.equal(e.code, 0, p.stderr().slice(-2000));
  assert.match(p.stderr(), new RegExp(`${n} done, 0 failed, 0 pending of ${n}`));
  assert.equal(fs.readFileSync(path.join(tmp, 'results.csv'), 'utf8').trim().split('\n').length, 1 + n * 19);
  const { maxRssKb } = JSON.parse(fs.readFileSync(rssFile, 'utf8')) as { maxRssKb: number };
  fs.rmSync(tmp, { recursive: true, force: true });
  return { maxRss: maxRssKb * 1024, hwm, seconds: (performance.now() - t0) / 1000 };
}

test('batch peak memory does not grow with the number of images (10 vs 40)', async () => {
  const small = await batchPeak(10);
  const large = await batchPeak(40);
  const mb = (b: number | null) => (b === null ? 'n/a' : `${(b / MB).toFixed(1)} MB`);
  console.log(`batch peak RSS: 10 images ${mb(small.maxRss)} (VmHWM ${mb(small.hwm)}, ${small.seconds.toFixed(1)} s); 40 images ${mb(large.maxRss)} (VmHWM ${mb(large.hwm)}, ${large.seconds.toFixed(1)} s); growth ${mb(large.maxRss - small.maxRss)} (${(((large.maxRss - small.maxRss) / small.maxRss) * 100).toFixed(1)}%)`);
  const allowed = Math.max(0.15 * small.maxRss, 40 * MB);
  assert.ok(large.maxRss - small.maxRss <= allowed, `peak RSS grew from ${mb(small.maxRss)} to ${mb(large.maxRss)} (allowed: ${mb(allowed)})`);
  // the two measurements agree where /proc was readable (the poll can only miss the last instants)
  if (large.hwm !== null) assert.ok(large.hwm <= large.maxRss * 1.02 && large.hwm >= large.maxRss * 0.8, `VmHWM ${mb(large.hwm)} vs ru_maxrss ${mb(large.maxRss)}`);
});
