import type { Command } from 'commander';
import path from 'node:path';
import { createApp } from '../../services/app.js';
import { BATCH_COLUMNS, batchRows, runBatch } from '../../services/batch.js';
import { formatFromPath, info, toCsv, writeResult } from '../output.js';
import { ProgressLine } from '../progress.js';

export function registerBatch(program: Command): void {
  program
    .command('batch')
    .description('detect landmarks on every image under a folder; resumable (re-run to continue)')
    .argument('<folder>', 'folder to process recursively')
    .option('-o, --out <file>', 'results file (.csv or .json); default: CSV on stdout')
    .option('--db <file>', 'case database file')
    .option('--retry-failed', 'try files that failed before again')
    .option('--model <dir>', 'a clinic model folder (`medsapiens adapt`) or another model folder with its card')
    .action(async (folder: string, opts: { out?: string; db?: string; retryFailed?: boolean; model?: string }) => {
      // the app's services: store, image library and the model, loaded on first use
      const app = createApp({ dbPath: opts.db, log: info, modelDir: opts.model });
      const { store } = app;
      let stop = false;
      process.once('SIGINT', () => {
        stop = true;
        info('\nstopping after the current image; run the same command again to continue');
      });
      const bar = new ProgressLine('batch');
      try {
        const s = await runBatch({ root: folder, store, library: app.library, model: app.model, onProgress: (d, t, cur) => bar.update(d, t, path.basename(cur)), shouldStop: () => stop, retryFailed: opts.retryFailed });
        bar.stop();
        info(`batch: ${s.done} done, ${s.failed} failed, ${s.pending} pending of ${s.total} (${s.processedNow} processed in this run); job ${s.jobId}`);
        for (const f of s.failures) info(`  failed: ${f.path}: ${f.code}: ${f.message}`);
        const c = s.checks;
        info(`checks: ${c.refused} refused as not a cephalogram, ${c.reoriented} straightened (turned, mirrored or negative), ${c.withFlags} with points to review (${c.flaggedPoints} points), ${c.implausible} with an implausible tracing`);
        const rows = batchRows(store, s.jobId);
        const fmt = formatFromPath(opts.out, 'csv');
        writeResult(fmt === 'json' ? JSON.stringify({ summary: s, rows }, null, 2) + '\n' : toCsv(rows, BATCH_COLUMNS), opts.out);
        if (s.pending > 0) process.exitCode = 3;
      } finally {
        await app.close();
      }
    });
}
