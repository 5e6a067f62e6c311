import path from 'node:path';
import type { Command } from 'commander';
import { startLoopbackServer } from '../../server/http.js';
import { createApp } from '../../services/app.js';
import { DicomReceiverConfigSchema } from '../../../src-shared/api/contract.js';
import { AppError } from '../../../src-shared/errors.js';
import { DEFAULT_RECEIVER } from '../../dicom-net/receiver.js';
import { projectRoot } from '../../util/paths.js';
import { info } from '../output.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the UI and the API on 127.0.0.1 (browser use, tests)')
    .option('--port <n>', 'port (default: a free one)', (v) => parseInt(v, 10))
    .option('--db <file>', 'case database file')
    .option('--watch <folder>', 'also import and trace files written into this folder (this run only; default: the folder saved in the app)')
    .option('--static <dir>', 'built renderer folder', path.join(projectRoot(), 'dist', 'renderer'))
    .option('--model <dir>', 'a clinic model folder (`medsapiens adapt`) or another model folder with its card')
    .option('--dicom-port <n>', 'receive images over DICOM (C-STORE, C-ECHO) on this port, on every network interface (this run only; default: the receiver saved in the app, off unless enabled there)', (v) => parseInt(v, 10))
    .option('--ae-title <title>', `the receiver's AE title (default ${DEFAULT_RECEIVER.aeTitle})`)
    .option('--dicom-allow <titles>', 'calling AE titles allowed to send, comma separated (default: any)')
    .option('--dicom-hosts <addresses>', 'IP addresses allowed to send, comma separated (default: any)')
    .action(async (opts: { port?: number; db?: string; watch?: string; static: string; model?: string; dicomPort?: number; aeTitle?: string; dicomAllow?: string; dicomHosts?: string }) => {
      const list = (v?: string) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : []);
      let dicom;
      if (opts.dicomPort !== undefined) {
        const parsed = DicomReceiverConfigSchema.safeParse({ enabled: true, port: opts.dicomPort, aeTitle: opts.aeTitle ?? DEFAULT_RECEIVER.aeTitle, allowedCallingAeTitles: list(opts.dicomAllow), allowedHosts: list(opts.dicomHosts) });
        if (!parsed.success) throw new AppError('bad_request', `the DICOM receiver options are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        dicom = parsed.data;
      } else if (opts.aeTitle || opts.dicomAllow || opts.dicomHosts) {
        throw new AppError('bad_request', '--ae-title, --dicom-allow and --dicom-hosts need --dicom-port');
      }
      // the watch folder saved in the app's settings is watched too, unless --watch names another
      const app = createApp({ dbPath: opts.db, log: info, watch: opts.watch, resumeWatch: true, modelDir: opts.model, dicom });
      const receiver = await app.dicomStarted;
      if (dicom && !receiver.listening) {
        await app.close();
        throw new AppError('bad_request', `the DICOM receiver cannot start: ${receiver.error}`);
      }
      app.model().catch(() => undefined); // load now; a failure is reported by system.status
      const server = await startLoopbackServer({ handlers: app.handlers, events: app.events, pixels: app.pixels, staticDir: opts.static, port: opts.port });
      info(`MedSapiens is serving on ${server.url} (database ${app.store.path})`);
      // the token travels in the fragment, which the browser never sends to any server
      process.stdout.write(`${server.url}/#token=${server.token}\n`);
      const stop = async () => {
        await server.close();
        await app.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
