import path from 'node:path';
import type { Command } from 'commander';
import { startLoopbackServer } from '../../server/http.js';
import { createApp } from '../../services/app.js';
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
    .action(async (opts: { port?: number; db?: string; watch?: string; static: string; model?: string }) => {
      // the watch folder saved in the app's settings is watched too, unless --watch names another
      const app = createApp({ dbPath: opts.db, log: info, watch: opts.watch, resumeWatch: true, modelDir: opts.model });
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
