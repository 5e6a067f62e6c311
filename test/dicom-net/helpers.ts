// What the DICOM networking tests share: dcmtk's tools run as a device would run them, free
// loopback ports, and the test objects (a cephalogram as a device's DICOM, a non-image object).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ISBI } from '../helpers/cli.js';
import { patientDicom } from '../helpers/patient-dicom.js';
import { TS, writeDicom } from '../imaging/helpers/dicom-writer.js';

export interface ToolRun {
  code: number;
  out: string;
  ms: number;
}

/** Runs a dcmtk tool (echoscu, storescu, ...) and returns its exit code and all it printed. */
export function dcmtk(tool: string, args: string[], timeoutMs = 60_000): Promise<ToolRun> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(tool, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`${tool} is not installed: scripts/install.sh installs dcmtk`));
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}`, ms: performance.now() - t0 });
    });
  });
}

export { freeLoopbackPort as freePort } from '../../src-main/util/free-port.js';

/** ISBI film `id` as the DICOM a cephalostat sends (grey JPEG baseline, patient and study set). */
export async function cephalogramDicom(dir: string, id: string, n = 1): Promise<string> {
  const file = path.join(dir, `ceph-${id}.dcm`);
  const uid = `1.2.826.0.1.3680043.10.997.${n}`;
  fs.writeFileSync(file, await patientDicom(path.join(ISBI, 'images', `${id}.jpg`), { patientName: `Store^Anna${n}`, patientId: `DS-${n}`, studyDate: '20240301', studyUid: uid, spacingMm: 0.1 }));
  return file;
}

/** A Basic Text SR: a valid storage object with no pixels. */
export function textReportDicom(dir: string): string {
  const file = path.join(dir, 'text-sr.dcm');
  const bytes = writeDicom(
    [
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.88.11' },
      { tag: 0x00080018, vr: 'UI', value: '1.2.826.0.1.3680043.10.997.900' },
      { tag: 0x00080060, vr: 'CS', value: 'SR' },
      { tag: 0x00100010, vr: 'PN', value: 'Store^Text' },
      { tag: 0x0020000d, vr: 'UI', value: '1.2.826.0.1.3680043.10.997.901' },
    ],
    { transferSyntax: TS.explicitLE },
  );
  fs.writeFileSync(file, bytes);
  return file;
}

export async function until<T>(what: string, fn: () => Promise<T | false | null | undefined> | T | false | null | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
