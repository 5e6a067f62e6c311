// How fast the app takes images from a device: a temporary app with its receiver on a free
// loopback port, the given DICOM files sent by dcmtk's storescu in one association as a device
// sends a series, and the time until every one is imported and traced.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.js';
import { createApp } from '../services/app.js';
import { parseDicomBytes } from '../imaging/dicom/parse.js';
import { readHead } from '../imaging/read-file.js';
import { freeLoopbackPort } from '../util/free-port.js';

const TRANSFER_SYNTAX_TAG = 'x00020010';

export interface ReceiveBench {
  images: number;
  sender: string;
  /** storescu's run: association, all C-STOREs and their answers */
  store_seconds: number;
  images_received_per_second: number;
  /** from storescu's start until the first image's landmarks are stored */
  first_image_end_to_end_ms: number;
  /** from storescu's start until every image's landmarks are stored */
  all_traced_seconds: number;
  images_traced_per_second: number;
}

/** storescu proposes one compressed syntax at a time: the one the files are in (they share it) */
const PROPOSE: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': '-xy',
  '1.2.840.10008.1.2.4.51': '-xx',
  '1.2.840.10008.1.2.4.57': '-xs',
  '1.2.840.10008.1.2.4.70': '-xs',
  '1.2.840.10008.1.2.4.80': '-xt',
  '1.2.840.10008.1.2.4.81': '-xu',
  '1.2.840.10008.1.2.4.90': '-xv',
  '1.2.840.10008.1.2.4.91': '-xw',
  '1.2.840.10008.1.2.5': '-xr',
};

/** the file's transfer syntax, from its meta group (the first 64 kB hold it) */
async function transferSyntaxOf(file: string): Promise<string> {
  return parseDicomBytes(await readHead(file, 64 * 1024), { headerOnly: true }).dataSet.string(TRANSFER_SYNTAX_TAG) ?? '';
}

export async function runReceiveBench(files: string[], log: (m: string) => void): Promise<ReceiveBench> {
  if (files.length === 0) throw new AppError('bad_request', 'give DICOM cephalograms to send (files or a folder of .dcm files)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medsapiens-bench-dicom-'));
  const port = await freeLoopbackPort();
  const app = createApp({ dbPath: path.join(dir, 'cases.sqlite'), log: () => undefined, dicom: { enabled: true, port, aeTitle: 'MEDSAPIENS', allowedCallingAeTitles: [], allowedHosts: [] } });
  try {
    const status = await app.dicomStarted;
    if (!status.listening) throw new AppError('internal', `the receiver did not start: ${status.error}`);
    await app.model(); // loading the model is not what is timed
    const traced = () => app.store.listCases({ limit: 10000 }).filter((c) => c.currentSetId !== null).length;
    const syntaxes = new Set(await Promise.all(files.map(transferSyntaxOf)));
    if (syntaxes.size > 1) throw new AppError('bad_request', `the files are in ${syntaxes.size} transfer syntaxes: give files in one (storescu proposes one compressed syntax per run)`);
    const propose = PROPOSE[[...syntaxes][0]!];
    const t0 = performance.now();
    let first: number | null = null;
    const sending = new Promise<number>((resolve, reject) =>
      execFile('storescu', [...(propose ? [propose] : []), '-aet', 'BENCH', '-aec', 'MEDSAPIENS', '127.0.0.1', String(port), ...files], { maxBuffer: 1 << 24 }, (err, _out, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new AppError('bad_request', 'storescu (dcmtk) is not installed: scripts/install.sh installs it'));
        if (err) return reject(new AppError('internal', `storescu failed: ${stderr.slice(-500)}`));
        resolve(performance.now() - t0);
      }),
    );
    let storeMs: number | null = null;
    let sendError: unknown = null;
    void sending.then(
      (ms) => (storeMs = ms),
      (e) => (sendError = e),
    );
    for (;;) {
      if (sendError) throw sendError;
      const n = traced();
      if (n > 0 && first === null) first = performance.now() - t0;
      if (n >= files.length) break;
      const st = await app.handlers['dicom.receiver.status']({});
      if (storeMs !== null && st.imported + st.failed >= st.received && st.waiting === 0 && n < files.length && st.received >= files.length) {
        throw new AppError('internal', `${files.length - n} of the ${files.length} images were not traced (${st.failed} failed, ${st.refused} refused)`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const all = performance.now() - t0;
    const store = await sending;
    log(`bench-dicom: ${files.length} images: storescu ${(store / 1000).toFixed(2)} s (${(files.length / (store / 1000)).toFixed(1)} img/s received), first traced ${first!.toFixed(0)} ms after storescu started, all traced in ${(all / 1000).toFixed(2)} s (${(files.length / (all / 1000)).toFixed(2)} img/s end to end)`);
    return {
      images: files.length,
      sender: 'dcmtk storescu, one association',
      store_seconds: store / 1000,
      images_received_per_second: files.length / (store / 1000),
      first_image_end_to_end_ms: first!,
      all_traced_seconds: all / 1000,
      images_traced_per_second: files.length / (all / 1000),
    };
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
