// The DICOM receiver as a service of the app: its setup kept in the case database (off by
// default), the storage SCP listening while it is enabled, and the inbox folder the SCP writes
// into watched like any watch folder, so a received image is imported and traced exactly once,
// and one acknowledged but not yet imported when the app died is imported at the next start.
// An imported file leaves the inbox (the image library holds its copy); one that fails to
// import moves to the inbox's hidden .failed folder, kept for a look, and is logged.
import fs from 'node:fs';
import path from 'node:path';
import type { DicomReceiverConfig, DicomReceiverStatus } from '../../src-shared/api/contract.js';
import { toAppError } from '../../src-shared/errors.js';
import type { CaseStore } from '../db/store.js';
import type { LoadedModel } from '../inference/model.js';
import type { EventBus } from '../services/events.js';
import type { ImageLibrary } from '../services/image-library.js';
import { type FolderWatcher, watchFolder } from '../services/watch.js';
import { removeIncomingLeftovers, startStorageScp, type StorageScp } from './storage-scp.js';

export const DEFAULT_RECEIVER: DicomReceiverConfig = { enabled: false, port: 11112, aeTitle: 'MEDSAPIENS', allowedCallingAeTitles: [], allowedHosts: [] };

export interface DicomReceiverDeps {
  store: CaseStore;
  library: ImageLibrary;
  model: () => Promise<LoadedModel>;
  events: EventBus;
  log: (msg: string) => void;
  /** default: dicom-inbox beside the case database */
  inboxDir?: string;
  /** the inbox watch's settle time; received files appear whole (renamed into place), so it is short */
  settleMs?: number;
}

export interface DicomReceiver {
  status(): DicomReceiverStatus;
  /** the new setup, remembered; the receiver restarts with it (or stops) */
  set(config: DicomReceiverConfig): Promise<DicomReceiverStatus>;
  /** start with the saved setup (app start), or with `config` for this run only (command line) */
  resume(config?: DicomReceiverConfig): Promise<DicomReceiverStatus>;
  close(): Promise<void>;
}

const RECENT = 20;

export function createDicomReceiver(d: DicomReceiverDeps): DicomReceiver {
  const inbox = d.inboxDir ?? path.join(path.dirname(d.store.path), 'dicom-inbox');
  let config: DicomReceiverConfig = d.store.getSetting('dicom.receiver') ?? DEFAULT_RECEIVER;
  let source: DicomReceiverStatus['source'] = 'setting';
  let scp: StorageScp | null = null;
  let watcher: FolderWatcher | null = null;
  let error: string | null = null;
  const counts = { received: 0, refused: 0, imported: 0, failed: 0 };
  const recent: DicomReceiverStatus['recent'] = [];
  const note = (e: Omit<DicomReceiverStatus['recent'][number], 'at'>) => {
    recent.unshift({ at: new Date().toISOString(), ...e });
    recent.length = Math.min(recent.length, RECENT);
  };
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn);
    chain = next.catch(() => undefined);
    return next;
  };

  const status = (): DicomReceiverStatus => ({
    config,
    source,
    listening: scp !== null,
    inbox,
    ...counts,
    waiting: watcher?.status().waiting ?? 0,
    recent: [...recent],
    error,
  });

  async function stop(): Promise<void> {
    const [s, w] = [scp, watcher];
    scp = null;
    watcher = null;
    await s?.close();
    await w?.stop();
  }

  async function start(): Promise<void> {
    error = null;
    if (!config.enabled) return;
    try {
      fs.mkdirSync(inbox, { recursive: true, mode: 0o700 });
      for (const n of removeIncomingLeftovers(inbox)) d.log(`DICOM receiver: removed ${n}, a transfer cut off in an earlier run`);
      const failedDir = path.join(inbox, '.failed');
      const w = watchFolder({
        root: inbox,
        store: d.store,
        library: d.library,
        model: d.model,
        events: d.events,
        settleMs: d.settleMs ?? 300,
        onLog: d.log,
        onResult: (r) => {
          const name = path.basename(r.file);
          if (r.ok) {
            counts.imported++;
            note({ ok: true, callingAeTitle: '', host: '', message: `imported and traced (${r.landmarks} landmarks)${r.duplicate ? ': the same image was already in the library' : ''}` });
            fs.rmSync(r.file, { force: true });
          } else {
            counts.failed++;
            note({ ok: false, callingAeTitle: '', host: '', message: `an image could not be imported: ${r.error.message}` });
            d.log(`DICOM receiver: ${name} could not be imported: ${r.error.message} (kept in ${failedDir})`);
            try {
              fs.mkdirSync(failedDir, { recursive: true, mode: 0o700 });
              fs.renameSync(r.file, path.join(failedDir, name));
            } catch {
              /* left where it is: the watch has it marked failed */
            }
          }
        },
      });
      watcher = w;
      await w.ready;
      scp = await startStorageScp({
        port: config.port,
        aeTitle: config.aeTitle,
        allowedCallingAeTitles: config.allowedCallingAeTitles,
        allowedHosts: config.allowedHosts,
        inboxDir: inbox,
        log: d.log,
        onStored: (e) => {
          counts.received++;
          note({ ok: true, callingAeTitle: e.callingAeTitle, host: e.host, message: `received an image (${(e.bytes / 2 ** 20).toFixed(1)} MB)` });
        },
        onRefused: (e) => {
          counts.refused++;
          note({ ok: false, callingAeTitle: e.callingAeTitle, host: e.host, message: e.reason });
        },
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      error =
        err.code === 'EADDRINUSE'
          ? `port ${config.port} is in use by another program: choose another port`
          : err.code === 'EACCES'
            ? `port ${config.port} needs administrator rights: choose one above 1023`
            : toAppError(e).message;
      d.log(`DICOM receiver: cannot start: ${error}`);
      await stop();
    }
  }

  return {
    status,
    set(next) {
      return serial(async () => {
        await stop();
        d.store.setSetting('dicom.receiver', next);
        config = next;
        source = 'setting';
        await start();
        return status();
      });
    },
    resume(given) {
      return serial(async () => {
        await stop();
        config = given ?? d.store.getSetting('dicom.receiver') ?? DEFAULT_RECEIVER;
        source = given ? 'command-line' : 'setting';
        await start();
        return status();
      });
    },
    close() {
      return serial(stop);
    },
  };
}
