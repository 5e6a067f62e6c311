// A real PACS for the tests: Debian's Orthanc (with its DICOMweb plugin) started on free loopback
// ports with its own storage folder, stopped and removed afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, until } from './helpers.js';

export interface Orthanc {
  aeTitle: string;
  dicomPort: number;
  httpPort: number;
  /** Orthanc's REST API (JSON), e.g. rest('/studies') */
  rest<T = unknown>(p: string, init?: RequestInit): Promise<T>;
  /** raw bytes from the REST API (an instance's file) */
  bytes(p: string): Promise<Buffer>;
  log(): string;
  stop(): Promise<void>;
}

const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export async function startOrthanc(dir: string, modalities: Record<string, [string, string, number]>): Promise<Orthanc> {
  if (!fs.existsSync('/usr/sbin/Orthanc')) throw new Error('Orthanc is not installed: scripts/install.sh installs it');
  const [dicomPort, httpPort] = [await freePort(), await freePort()];
  const storage = path.join(dir, 'orthanc-storage');
  fs.mkdirSync(storage, { recursive: true });
  const config = {
    Name: 'TESTPACS',
    DicomAet: 'TESTPACS',
    DicomPort: dicomPort,
    HttpPort: httpPort,
    StorageDirectory: storage,
    IndexDirectory: storage,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomModalities: modalities,
    Plugins: fs.existsSync(DICOMWEB_PLUGIN) ? [DICOMWEB_PLUGIN] : [],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
  };
  const file = path.join(dir, 'orthanc.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const out: string[] = [];
  const child: ChildProcess = spawn('/usr/sbin/Orthanc', [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (b: Buffer) => out.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => out.push(b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const base = `http://127.0.0.1:${httpPort}`;
  const o: Orthanc = {
    aeTitle: 'TESTPACS',
    dicomPort,
    httpPort,
    async rest(p, init) {
      const res = await fetch(base + p, init);
      if (!res.ok) throw new Error(`Orthanc ${p}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as never;
    },
    async bytes(p) {
      const res = await fetch(base + p);
      if (!res.ok) throw new Error(`Orthanc ${p}: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    log: () => out.join(''),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
  await until('Orthanc to answer', async () => {
    if (child.exitCode !== null) throw new Error(`Orthanc exited: ${o.log().slice(-2000)}`);
    return fetch(`${base}/system`).then((r) => r.ok, () => false);
  }, 30_000);
  return o;
}
