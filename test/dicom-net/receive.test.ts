// Receiving from an X-ray device over DICOM, through the real `medsapiens serve` and dcmtk's own
// SCUs (echoscu, storescu) as the device: a cephalogram stored by C-STORE is imported and traced
// once; senders and titles not allowed are refused at association; a non-image object and an
// over-large one get a failure status with a reason and leave nothing behind; a transfer cut off
// mid-dataset leaves nothing behind and the receiver keeps serving; the setup is a remembered
// setting of the app, off by default; an object acknowledged before a crash is imported at the
// next start.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loopbackClient, type LoopbackClient } from '../helpers/loopback-client.js';
import { count, type Proc, readDb, startCli, watchEntry } from '../reliability/helpers.js';
import { startStorageScp, STORE_STATUS } from '../../src-main/dicom-net/storage-scp.js';
import { cephalogramDicom, dcmtk, freePort, textReportDicom, until } from './helpers.js';

interface Served extends LoopbackClient {
  proc: Proc;
  stop(): Promise<void>;
}

async function serve(db: string, staticDir: string, extra: string[] = []): Promise<Served> {
  const proc = startCli(['serve', '--db', db, '--static', staticDir, ...extra], { entry: watchEntry() });
  await proc.waitFor(() => proc.lines.some((l) => l.includes('#token=')), 'the server address');
  const [url, token] = proc.lines.find((l) => l.includes('#token='))!.trim().split('/#token=');
  return {
    proc,
    ...loopbackClient({ url: url!, token: token! }),
    async stop() {
      proc.child.kill('SIGTERM');
      const { code } = await proc.exited;
      assert.equal(code, 0, `serve exited with ${code}: ${proc.stderr().slice(-2000)}`);
    },
  };
}

const visible = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !n.startsWith('.')) : []);
const incoming = (inbox: string) => (fs.existsSync(path.join(inbox, '.incoming')) ? fs.readdirSync(path.join(inbox, '.incoming')) : []);

test('storescu to landmarks: received over C-STORE, imported and traced once; refusals are clear and leave nothing', { timeout: 300_000 }, async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-dicom-receive-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const staticDir = path.join(tmp, 'ui');
  fs.mkdirSync(staticDir);
  const db = path.join(tmp, 'cases.sqlite');
  const inbox = path.join(tmp, 'dicom-inbox');
  const ceph = await cephalogramDicom(tmp, '001');
  const port = await freePort();
  const app = await serve(db, staticDir, ['--dicom-port', String(port), '--ae-title', 'CEPHSCP', '--dicom-allow', 'DEVICE1,PACS']);
  try {
    const s0 = await app.call('dicom.receiver.status', {});
    assert.deepEqual([s0.listening, s0.source, s0.config.port, s0.config.aeTitle, s0.error], [true, 'command-line', port, 'CEPHSCP', null]);
    const scu = (tool: string, aet: string, aec: string, ...args: string[]) => dcmtk(tool, ['-aet', aet, '-aec', aec, ...args, '127.0.0.1', String(port)]);

    // C-ECHO from an allowed device; unknown callers and a wrong called title refused at association
    assert.equal((await scu('echoscu', 'DEVICE1', 'CEPHSCP')).code, 0);
    const intruder = await scu('echoscu', 'INTRUDER', 'CEPHSCP');
    assert.notEqual(intruder.code, 0);
    assert.match(intruder.out, /Calling AE Title Not Recognized/i);
    const wrongCalled = await scu('echoscu', 'DEVICE1', 'OTHER');
    assert.notEqual(wrongCalled.code, 0);
    assert.match(wrongCalled.out, /Called AE Title Not Recognized/i);

    // a cephalogram: stored, then imported and traced from the inbox, which it then leaves
    const t0 = performance.now();
    const stored = await dcmtk('storescu', ['-xy', '-aet', 'DEVICE1', '-aec', 'CEPHSCP', '127.0.0.1', String(port), ceph]);
    assert.equal(stored.code, 0, stored.out);
    const traced = await until('the received cephalogram to be traced', async () => {
      const cases = await app.call('cases.list', {});
      return cases.length === 1 && cases[0]!.hasLandmarks && cases;
    });
    const msToLandmarks = performance.now() - t0;
    const c = await app.call('cases.get', { imageId: traced[0]!.imageId });
    assert.equal(c.landmarks?.points.length, 19);
    assert.match(JSON.stringify(c), /Store\^Anna1|Anna1/);
    await until('the inbox to be empty', () => visible(inbox).length === 0);
    let s = await app.call('dicom.receiver.status', {});
    assert.deepEqual([s.received, s.imported, s.failed, s.refused], [1, 1, 0, 2]);
    assert.match(s.recent[0]!.message, /imported and traced \(19 landmarks\)/);

    // sent again (a device retrying): stored, recognised, still one case
    assert.equal((await dcmtk('storescu', ['-xy', '-aet', 'PACS', '-aec', 'CEPHSCP', '127.0.0.1', String(port), ceph])).code, 0);
    await until('the second copy to be processed', async () => (await app.call('dicom.receiver.status', {})).imported === 2);
    assert.equal((await app.call('cases.list', {})).length, 1);

    // a storage object without pixels: refused with a reason the sender logs; nothing kept
    const sr = await dcmtk('storescu', ['-v', '-aet', 'DEVICE1', '-aec', 'CEPHSCP', '127.0.0.1', String(port), textReportDicom(tmp)]);
    assert.equal(sr.code, STORE_STATUS.doesNotMatchSopClass >> 8, sr.out); // storescu exits with the status's high byte
    assert.match(sr.out, /Received Store Response \(Error: DataSetDoesNotMatchSOPClass\)/, sr.out);
    s = await app.call('dicom.receiver.status', {});
    assert.equal(s.refused, 3);
    assert.match(s.recent[0]!.message, /^not an image \(BasicTextSrStorage\)/);

    // a transfer cut off mid-dataset (a real storescu session's first half, then the socket closed)
    const session = await recordSession(port, (proxyPort) => ['-xy', '-aet', 'DEVICE1', '-aec', 'CEPHSCP', '127.0.0.1', String(proxyPort), ceph]);
    assert.ok(session.length > 100_000, `recorded ${session.length} bytes`);
    await new Promise<void>((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.write(session.subarray(0, Math.floor(session.length / 2)), () => setTimeout(() => sock.destroy(), 300));
      });
      sock.on('close', () => resolve());
      sock.on('error', reject);
    });
    await until('the cut-off transfer to leave nothing', () => incoming(inbox).length === 0);
    assert.equal((await scu('echoscu', 'DEVICE1', 'CEPHSCP')).code, 0, 'the receiver stopped answering after a cut-off transfer');
    await new Promise((r) => setTimeout(r, 1500));
    s = await app.call('dicom.receiver.status', {});
    assert.equal(s.received, 3, 'the recorded session was stored once through the proxy, the cut-off one never');
    assert.deepEqual(visible(inbox), []);
    assert.equal((await app.call('cases.list', {})).length, 1);
    t.diagnostic(`storescu to landmarks stored: ${Math.round(msToLandmarks)} ms`);
  } finally {
    await app.stop();
  }
  readDb(db, (d) => assert.equal(count(d, 'SELECT count(*) n FROM landmark_sets'), 1));
});

/** A real storescu session through a recording proxy: the bytes the SCU sent. */
async function recordSession(port: number, storescuArgs: (proxyPort: number) => string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const proxy = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    client.on('data', (b: Buffer) => chunks.push(b));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  const run = await dcmtk('storescu', storescuArgs((proxy.address() as net.AddressInfo).port));
  assert.equal(run.code, 0, run.out);
  await new Promise<void>((r) => proxy.close(() => r()));
  return Buffer.concat(chunks);
}

test('the receiver as a setting of the app: off by default, remembered, a taken port said plainly; what was acknowledged before a crash is imported at the next start', { timeout: 240_000 }, async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-dicom-setting-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const staticDir = path.join(tmp, 'ui');
  fs.mkdirSync(staticDir);
  const db = path.join(tmp, 'cases.sqlite');
  const inbox = path.join(tmp, 'dicom-inbox');
  const port = await freePort();
  const setup = { enabled: true, port, aeTitle: 'MEDSAPIENS', allowedCallingAeTitles: [], allowedHosts: ['127.0.0.1'] };

  let app = await serve(db, staticDir);
  try {
    const off = await app.call('dicom.receiver.status', {});
    assert.deepEqual([off.listening, off.config.enabled, off.error], [false, false, null]);
    assert.notEqual((await dcmtk('echoscu', ['-aec', 'MEDSAPIENS', '127.0.0.1', '11112'])).code, 0, 'something answers DICOM while the receiver is off');
    assert.match(await app.refused('dicom.receiver.set', { ...setup, aeTitle: 'BAD\\TITLE' }), /AE title/);
    assert.match(await app.refused('dicom.receiver.set', { ...setup, port: 70000 }), /port/);
    assert.equal((await app.call('dicom.receiver.status', {})).listening, false);

    // a port another program holds: said plainly, nothing listening
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(port, () => r()));
    const taken = await app.call('dicom.receiver.set', setup);
    await new Promise<void>((r) => squatter.close(() => r()));
    assert.equal(taken.listening, false);
    assert.match(taken.error ?? '', new RegExp(`port ${port} is in use by another program`));

    const on = await app.call('dicom.receiver.set', setup);
    assert.deepEqual([on.listening, on.source, on.error], [true, 'setting', null]);
    assert.equal((await dcmtk('echoscu', ['-aec', 'MEDSAPIENS', '127.0.0.1', String(port)])).code, 0);
  } finally {
    await app.stop();
  }

  // an object acknowledged to the sender, the app then killed before importing it: it waits in
  // the inbox (as the receiver leaves it) and is imported at the next start; a cut-off transfer's
  // leftover in the incoming folder is removed
  fs.copyFileSync(await cephalogramDicom(tmp, '002', 2), path.join(inbox, '1.2.826.0.1.3680043.10.997.2.1.1_deadbeef.dcm'));
  fs.writeFileSync(path.join(inbox, '.incoming', 'cut-off.part'), Buffer.alloc(5000));
  app = await serve(db, staticDir);
  try {
    const again = await app.call('dicom.receiver.status', {});
    assert.deepEqual([again.listening, again.source, again.config.allowedHosts], [true, 'setting', ['127.0.0.1']]);
    await until('the waiting object to be imported', async () => {
      const cases = await app.call('cases.list', {});
      return cases.length === 1 && cases[0]!.hasLandmarks;
    });
    assert.deepEqual(visible(inbox), []);
    assert.deepEqual(incoming(inbox), []);
    const stopped = await app.call('dicom.receiver.set', { ...setup, enabled: false });
    assert.equal(stopped.listening, false);
    assert.notEqual((await dcmtk('echoscu', ['-aec', 'MEDSAPIENS', '127.0.0.1', String(port)])).code, 0);
  } finally {
    await app.stop();
  }
});

test('an object over the size limit is refused with Out of Resources while it streams to disk, never held in memory', { timeout: 60_000 }, async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-dicom-limit-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const ceph = await cephalogramDicom(tmp, '003', 3);
  const logs: string[] = [];
  const scp = await startStorageScp({ port: 0, aeTitle: 'MEDSAPIENS', allowedCallingAeTitles: [], allowedHosts: [], inboxDir: path.join(tmp, 'inbox'), maxBytes: 64 * 1024, log: (m) => logs.push(m) });
  try {
    assert.ok(fs.statSync(ceph).size > 64 * 1024);
    const r = await dcmtk('storescu', ['-v', '-xy', '-aec', 'MEDSAPIENS', '127.0.0.1', String(scp.port), ceph]);
    assert.equal(r.code, STORE_STATUS.outOfResources >> 8, r.out);
    assert.match(r.out, /Received Store Response \(Refused: OutOfResources\)/, r.out);
    assert.match(logs.join('\n'), /refused: larger than the 64 kB accepted/);
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'inbox')).filter((n) => n !== '.incoming'), []);
    assert.deepEqual(fs.readdirSync(path.join(tmp, 'inbox', '.incoming')), []);
  } finally {
    await scp.close();
  }
});
