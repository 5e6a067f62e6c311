// The watch folder as a setting of the app: one folder at a time, chosen in the UI (or given on
// the command line for one run), kept in the case database and watched again whenever the app
// starts. The watching itself is watch.ts; this only decides which folder and reports how it goes.
import fs from 'node:fs';
import path from 'node:path';
import type { WatchStatus } from '../../src-shared/api/contract.js';
import { AppError, toAppError } from '../../src-shared/errors.js';
import type { CaseStore } from '../db/store.js';
import type { LoadedModel } from '../inference/model.js';
import type { EventBus } from './events.js';
import type { ImageLibrary } from './image-library.js';
import { type FolderWatcher, watchFolder } from './watch.js';

export interface WatchSettingDeps {
  store: CaseStore;
  library: ImageLibrary;
  model: () => Promise<LoadedModel>;
  events: EventBus;
  log: (msg: string) => void;
}

export interface WatchSetting {
  status(): WatchStatus;
  /** watch this folder from now on and remember it; null stops watching and forgets it */
  set(folder: string | null): Promise<WatchStatus>;
  /** watch the remembered folder (app start), or `folder` for this run only (command line) */
  resume(folder?: string): Promise<WatchStatus>;
  close(): Promise<void>;
}

/** A folder the user can mean: absolute, there, and a folder. Checked before it is remembered. */
function checkFolder(folder: string): string {
  if (!path.isAbsolute(folder)) throw new AppError('bad_request', `the watch folder must be a full path, not ${JSON.stringify(folder)}`);
  let st: fs.Stats;
  try {
    st = fs.statSync(folder);
  } catch {
    throw new AppError('not_found', `${folder} does not exist (or is a network share that is not mounted)`, { path: folder });
  }
  if (!st.isDirectory()) throw new AppError('unreadable', `${folder} is a file, not a folder`, { path: folder });
  return path.resolve(folder);
}

export function createWatchSetting(d: WatchSettingDeps): WatchSetting {
  let watcher: FolderWatcher | null = null;
  let folder: string | null = null;
  let source: WatchStatus['source'] = null;
  let error: string | null = null;
  // set() and resume() may be called concurrently (two windows); one change at a time
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn);
    chain = next.catch(() => undefined);
    return next;
  };

  const status = (): WatchStatus => {
    const s = watcher?.status();
    return { folder, source, watching: watcher !== null, done: s?.done ?? 0, failed: s?.failed ?? 0, waiting: s?.waiting ?? 0, error };
  };

  async function stopCurrent(): Promise<void> {
    const w = watcher;
    watcher = null;
    if (w) await w.stop();
  }

  async function start(target: string, from: NonNullable<WatchStatus['source']>): Promise<void> {
    folder = target;
    source = from;
    error = null;
    try {
      const w = watchFolder({ root: target, store: d.store, library: d.library, model: d.model, events: d.events, onLog: d.log });
      watcher = w;
      await w.ready;
      d.log(`watching ${w.root} for new images`);
      // the watcher gives up only when the model cannot be loaded at all
      w.done.catch((e) => {
        if (watcher !== w) return;
        watcher = null;
        error = `watching stopped: ${toAppError(e).message}`;
      });
    } catch (e) {
      watcher = null;
      error = toAppError(e).message;
      d.log(`cannot watch ${target}: ${error}`);
    }
  }

  return {
    status,
    set(wanted) {
      return serial(async () => {
        if (wanted === null) {
          await stopCurrent();
          d.store.setSetting('watch.folder', null);
          folder = null;
          source = null;
          error = null;
          return status();
        }
        const target = checkFolder(wanted); // a refused folder leaves the current watch as it was
        await stopCurrent();
        d.store.setSetting('watch.folder', target);
        await start(target, 'setting');
        return status();
      });
    },
    resume(given) {
      return serial(async () => {
        await stopCurrent();
        if (given) {
          await start(path.resolve(given), 'command-line');
          return status();
        }
        const remembered = d.store.getSetting('watch.folder');
        // a folder that is gone (an unplugged drive) stays remembered: it is reported, not forgotten
        if (remembered) await start(remembered, 'setting');
        return status();
      });
    },
    close() {
      return serial(stopCurrent);
    },
  };
}
