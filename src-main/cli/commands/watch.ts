// `medsapiens watch FOLDER`: imports and detects every image written into a folder as it arrives.
// One JSON line per finished file on stdout (imported or failed), everything else on stderr.
// Ctrl+C or SIGTERM stops after the current file; running it again continues where it stopped.
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { createApp } from '../../services/app.js';
import { watchFolder } from '../../services/watch.js';
import { info } from '../output.js';

function milliseconds(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number of milliseconds');
  return n;
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('import and detect every image written into a folder (subfolders too) once it is complete; runs until Ctrl+C')
    .argument('<folder>', 'folder to watch')
    .option('--db <file>', 'case database file')
    .option('--settle-ms <n>', 'a file is complete once its size and time have not changed for this long', milliseconds, 2000)
    .option('--rescan-ms <n>', 'full rescan interval, for file systems that miss change events', milliseconds, 10000)
    .option('--no-fs-watch', 'do not use change notification, only rescans (network shares)')
    .action(async (folder: string, opts: { db?: string; settleMs: number; rescanMs: number; fsWatch: boolean }) => {
      // the app's services: store, image library and the model, loaded on first use
      const app = createApp({ dbPath: opts.db, log: info });
      const { store, library } = app;
      let signals = 0;
      let stop: () => void = () => undefined;
      const onSignal = (sig: NodeJS.Signals) => {
        if (++signals > 1) {
          info(`${sig} again: stopping now`);
          process.exit(130);
        }
        info(`${sig}: stopping after the current file; run the same command again to continue`);
        stop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const watcher = watchFolder({
          root: folder,
          store,
          library,
          model: app.model,
          settleMs: opts.settleMs,
          rescanMs: opts.rescanMs,
          fsWatch: opts.fsWatch,
          onLog: info,
          onResult: (r) => {
            process.stdout.write(JSON.stringify(r) + '\n');
            const name = path.relative(watcher.root, r.file);
            info(r.ok ? `${name}: image ${r.imageId}${r.duplicate ? ' (already imported)' : ''}, ${r.landmarks} landmarks` : `${name}: failed: ${r.error.code}: ${r.error.message}`);
          },
        });
        stop = () => void watcher.stop();
        if (signals) stop();
        await watcher.ready;
        const before = store.jobSummary(watcher.jobId);
        info(
          `watching ${watcher.root} (job ${watcher.jobId}; ${before.done} done and ${before.failed} failed before; settle ${opts.settleMs} ms, rescan ${opts.rescanMs} ms${opts.fsWatch ? '' : ', no change notification'})`,
        );
        const s = await watcher.done;
        info(`watch stopped: ${s.done} imported and ${s.failed} failed in this run; ${s.waiting} incomplete or not yet processed`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await app.close();
      }
    });
}
