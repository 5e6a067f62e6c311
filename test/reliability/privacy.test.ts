// No network at run time: detect, import, report and serve (with real API calls over loopback)
// run as the real CLI under two independent recorders:
//  - strace -f (connect, sendto, sendmsg, sendmmsg) sees every socket address the process and
//    all its threads (workers, the libuv pool that runs getaddrinfo, native libraries) use;
//  - net-recorder.mjs, a --import preload, sees Node-level attempts (socket connects, which
//    http/https/tls/fetch end in; DNS lookups and queries; UDP sends) and works without strace.
// Allowed: AF_UNIX/netlink, and TCP/UDP to 127.0.0.1 or ::1 on any port but 53 (a DNS query to a
// local resolver is still a lookup). Anything else, and any DNS lookup of a name, fails the test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { CLI, DICOM, ISBI } from '../helpers/cli.js';
import { entryFor, HERE, type Proc, start } from './helpers.js';

const RECORDER = path.join(HERE, 'net-recorder.mjs');
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-privacy-'));
const db = path.join(tmp, 'cases.sqlite');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** strace, if it is installed and allowed to trace here (ptrace can be forbidden in containers). */
const STRACE = (() => {
  const r = spawnSync('strace', ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=connect', '-o', '/dev/null', 'true'], { encoding: 'utf8' });
  return r.status === 0 ? { ok: true as const } : { ok: false as const, why: r.error ? String(r.error.message) : r.stderr.trim() };
})();

interface Attempt {
  by: 'strace' | 'node';
  what: string;
  /** loopback or local IPC: allowed */
  local: boolean;
}

interface Traced {
  proc: Proc;
  straceFile: string;
  netLog: string;
}

let runNo = 0;
/** `node --import net-recorder.mjs ENTRY ARGS` under strace when it can run. */
function traced(args: string[], entry: string | null = CLI): Traced {
  const n = ++runNo;
  const straceFile = path.join(tmp, `strace-${n}.txt`);
  const netLog = path.join(tmp, `net-${n}.jsonl`);
  const node = [process.execPath, '--import', RECORDER, ...(entry ? [entry] : []), ...args];
  const env = { MEDSAPIENS_NET_LOG: netLog };
  const proc = STRACE.ok ? start('strace', ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=connect,sendto,sendmsg,sendmmsg', '-o', straceFile, '--', ...node], env) : start(node[0], node.slice(1), env);
  return { proc, straceFile, netLog };
}

/** Every AF_INET/AF_INET6 address in the trace; one that cannot be parsed counts as non-local. */
export function straceAttempts(text: string): Attempt[] {
  const out: Attempt[] = [];
  for (const line of text.split('\n')) {
    const mentions = (line.match(/sa_family=AF_INET6?\b/g) ?? []).length;
    let parsed = 0;
    const syscall = /^\d+\s+(?:<\.\.\. )?(\w+)/.exec(line)?.[1] ?? '?';
    for (const m of line.matchAll(/sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/g)) {
      parsed++;
      out.push({ by: 'strace', what: `${syscall} ${m[2]}:${m[1]}`, local: LOOPBACK.has(m[2]) && m[1] !== '53' });
    }
    for (const m of line.matchAll(/sa_family=AF_INET6, sin6_port=htons\((\d+)\),[^}]*?inet_pton\(AF_INET6, "([^"]+)"/g)) {
      parsed++;
      out.push({ by: 'strace', what: `${syscall} [${m[2]}]:${m[1]}`, local: LOOPBACK.has(m[2]) && m[1] !== '53' });
    }
    if (parsed < mentions) out.push({ by: 'strace', what: `unparsed: ${line.trim()}`, local: false });
  }
  return out;
}

export function nodeAttempts(text: string): Attempt[] {
  const out: Attempt[] = [];
  for (const line of text.split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { kind: string; host?: string; port?: number; path?: string; name?: string; call?: string };
    if (r.kind === 'start') continue;
    if (r.kind === 'dns') {
      // a lookup of an IP literal or of localhost asks no server; any other name does
      const name = r.name ?? '';
      out.push({ by: 'node', what: `dns ${r.call} ${name}`, local: net.isIP(name) !== 0 ? LOOPBACK.has(name) : name === 'localhost' });
    } else if (r.path !== undefined) out.push({ by: 'node', what: `${r.kind} ipc ${r.path}`, local: true });
    else {
      const host = r.host ?? '';
      out.push({ by: 'node', what: `${r.kind} ${host}:${r.port}`, local: (LOOPBACK.has(host) || host === 'localhost') && r.port !== 53 });
    }
  }
  return out;
}

/** Reads both records of a finished run, prints the counts, and fails on anything non-local. */
function check(label: string, t: Traced): Attempt[] {
  const fromNode = nodeAttempts(fs.existsSync(t.netLog) ? fs.readFileSync(t.netLog, 'utf8') : '');
  assert.ok(fs.existsSync(t.netLog), `${label}: the Node-level recorder did not run`);
  const fromStrace = STRACE.ok ? straceAttempts(fs.readFileSync(t.straceFile, 'utf8')) : [];
  const all = [...fromStrace, ...fromNode];
  const describe = (as: Attempt[]) => `${as.length} (${as.filter((a) => !a.local).length} not loopback)`;
  console.log(
    `${label}: network attempts seen by strace: ${STRACE.ok ? describe(fromStrace) : `n/a (${STRACE.why})`}; by the Node recorder: ${describe(fromNode)}` +
      (all.length ? `\n  ${all.map((a) => `${a.by}: ${a.what}${a.local ? '' : '  <-- NOT LOCAL'}`).join('\n  ')}` : ''),
  );
  assert.deepEqual(
    all.filter((a) => !a.local).map((a) => `${a.by}: ${a.what}`),
    [],
    `${label} tried to reach the network`,
  );
  return all;
}

async function finished(t: Traced, label: string): Promise<void> {
  const e = await t.proc.exited;
  assert.equal(e.code, 0, `${label} exited ${JSON.stringify(e)}: ${t.proc.stderr().slice(-2000)}`);
}

// The positive control: both recorders must see, and classify, what a program that does use the
// network does (a loopback HTTP request, a TCP connect to a TEST-NET address, a UDP datagram and a
// DNS lookup), or the checks below could pass by seeing nothing.
const PROBE = `
const http = require('http'), net = require('net'), dgram = require('dgram'), dns = require('dns');
const srv = http.createServer((q, s) => s.end('x')).listen(0, '127.0.0.1', () => {
  http.get('http://127.0.0.1:' + srv.address().port, (r) => { r.resume(); r.on('end', () => {
    const s = net.connect({ host: '192.0.2.1', port: 9 }); s.on('error', () => {}); setTimeout(() => s.destroy(), 300);
    const u = dgram.createSocket('udp4'); u.send('x', 9, '192.0.2.1', () => u.close());
    dns.lookup('medsapiens-privacy-probe.invalid', () => srv.close());
  }); });
});`;

test('privacy: the recorders see and classify real network use (positive control)', async (tc) => {
  const t = traced(['-e', PROBE], null);
  await finished(t, 'probe');
  const fromNode = nodeAttempts(fs.readFileSync(t.netLog, 'utf8'));
  const has = (as: Attempt[], re: RegExp, local: boolean) => assert.ok(as.some((a) => re.test(a.what) && a.local === local), `${re} (local: ${local}) not in ${JSON.stringify(as)}`);
  has(fromNode, /^connect 127\.0\.0\.1:\d+$/, true);
  has(fromNode, /^connect 192\.0\.2\.1:9$/, false);
  has(fromNode, /^udp 192\.0\.2\.1:9$/, false);
  has(fromNode, /^dns lookup medsapiens-privacy-probe\.invalid$/, false);
  if (!STRACE.ok) return tc.skip(`strace cannot run here (${STRACE.why}): only the Node-level recorder is checked`);
  const fromStrace = straceAttempts(fs.readFileSync(t.straceFile, 'utf8'));
  has(fromStrace, /^connect 127\.0\.0\.1:\d+$/, true);
  has(fromStrace, /^connect 192\.0\.2\.1:9$/, false);
  has(fromStrace, /^send\w* 192\.0\.2\.1:9$/, false);
  console.log(`probe: strace saw ${fromStrace.length} attempts (${fromStrace.filter((a) => !a.local).length} not loopback), the Node recorder ${fromNode.length}`);
});

test('privacy: detect makes no network attempt', async () => {
  const t = traced(['detect', path.join(ISBI, 'images', '001.jpg'), path.join(DICOM, 'cr-hip-jpeg-lossy.dcm')]);
  await finished(t, 'detect');
  assert.equal(JSON.parse(t.proc.lines.join('\n')).length, 2);
  assert.deepEqual(check('detect', t), []);
});

test('privacy: import (with detection) makes no network attempt', async () => {
  const t = traced(['import', '--db', db, path.join(ISBI, 'images', '001.jpg'), path.join(DICOM, 'cr-hip-jpeg-lossy.dcm')]);
  await finished(t, 'import');
  const r = JSON.parse(t.proc.lines.join('\n')) as { ok: boolean; imageId: number }[];
  assert.deepEqual(
    r.map((x) => x.ok),
    [true, true],
  );
  assert.deepEqual(check('import', t), []);
});

test('privacy: report makes no network attempt', async (tc) => {
  const entry = entryFor('report');
  if (!entry) return tc.skip('the report command is not built (src-main/cli/commands/report.ts)');
  const pdf = path.join(tmp, 'report.pdf');
  const t = traced(['report', '1', '--db', db, '--out', pdf], entry);
  await finished(t, 'report');
  assert.equal(fs.readFileSync(pdf).subarray(0, 5).toString('latin1'), '%PDF-');
  assert.deepEqual(check('report', t), []);
});

test('privacy: serve answers real API calls over loopback and reaches nothing else', async () => {
  const t = traced(['serve', '--db', db]);
  let pid = 0;
  try {
    await t.proc.waitFor(() => t.proc.lines.some((l) => /^http:\/\/127\.0\.0\.1:\d+\/#token=/.test(l)), 'the server URL', 60_000);
    const m = /^(http:\/\/127\.0\.0\.1:\d+)\/#token=(.+)$/.exec(t.proc.lines.find((l) => l.startsWith('http://'))!)!;
    const call = async (name: string, body: unknown) => {
      const res = await fetch(`${m[1]}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-medsapiens-token': m[2] }, body: JSON.stringify(body) });
      const env = (await res.json()) as { ok: boolean; value?: any; error?: unknown };
      assert.ok(env.ok, `${name}: ${res.status} ${JSON.stringify(env.error)}`);
      return env.value;
    };
    await call('system.status', {});
    const imported = await call('images.importPaths', { paths: [path.join(ISBI, 'images', '002.jpg')], detect: true });
    assert.equal(imported[0].ok, true, JSON.stringify(imported));
    const cases = await call('cases.list', {});
    assert.ok(cases.length >= 2);
  } finally {
    // the node process itself (under strace, the recorder's start line names it) stops on SIGTERM
    const startLine = fs.existsSync(t.netLog) ? fs.readFileSync(t.netLog, 'utf8').split('\n').find((l) => l.includes('"start"')) : undefined;
    pid = startLine ? (JSON.parse(startLine) as { pid: number }).pid : t.proc.child.pid!;
    process.kill(pid, 'SIGTERM');
  }
  await finished(t, 'serve');
  const seen = check('serve', t);
  assert.ok(seen.every((a) => a.local));
});
