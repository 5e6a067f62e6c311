// Starts the real services and the loopback server in this process, on a temporary database,
// serving the built renderer: what `medsapiens serve` (src-main/cli/commands/serve.ts) does,
// minus the CLI and its process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLoopbackServer, type LoopbackServer } from '../../../src-main/server/http.js';
import { createApp, type App, type AppOptions } from '../../../src-main/services/app.js';
import { projectRoot } from '../../../src-main/util/paths.js';

export interface TestServer {
  app: App;
  server: LoopbackServer;
  /** the address to open: carries the token in the fragment */
  pageUrl: string;
  dir: string;
  close(): Promise<void>;
}

export const RENDERER_DIR = path.join(projectRoot(), 'dist', 'renderer');

export async function startTestServer(opts: { dir?: string; log?: (m: string) => void; model?: AppOptions['model'] } = {}): Promise<TestServer> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'medsapiens-e2e-'));
  const app = createApp({ dbPath: path.join(dir, 'cases.sqlite'), log: opts.log ?? (() => undefined), model: opts.model });
  app.model().catch(() => undefined); // as `serve` does: load now, report a failure via system.status
  const server = await startLoopbackServer({ handlers: app.handlers, events: app.events, pixels: app.pixels, staticDir: RENDERER_DIR });
  return {
    app,
    server,
    dir,
    pageUrl: `${server.url}/#token=${server.token}`,
    async close() {
      await server.close();
      await app.close();
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
