// Bundles the renderer into dist/renderer/, which the main process serves (loopback) or loads
// (Electron). Relative asset URLs so the same build works from http://127.0.0.1:PORT/ and file://.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { CONTENT_SECURITY_POLICY } from '../src-shared/csp.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [
    react(),
    {
      // only in the build: the dev server's React refresh needs an inline script
      name: 'medsapiens-csp',
      apply: 'build',
      transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
    },
  ],
  resolve: {
    // vtk.js (through Cornerstone3D) imports Node's 'events'; the npm package stands in for it.
    alias: { events: 'events' },
  },
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // maps triple the size of what gets packaged; ask for them when debugging
    sourcemap: process.env.MEDSAPIENS_SOURCEMAP === '1',
    // Cornerstone3D and vtk.js are large by nature (~4.4 MB minified); the warning would be noise.
    chunkSizeWarningLimit: 6000,
  },
  worker: { format: 'es' },
  // `npm run dev:renderer` with MEDSAPIENS_API=http://127.0.0.1:PORT (a running `serve`) forwards
  // the API there; open the dev page with #token=<that server's token>. The Origin header is
  // dropped because the server only accepts its own origin, which the dev page is not.
  server: {
    host: '127.0.0.1',
    proxy: process.env.MEDSAPIENS_API
      ? { '/api': { target: process.env.MEDSAPIENS_API, changeOrigin: true, configure: (proxy) => proxy.on('proxyReq', (req) => req.removeHeader('origin')) } }
      : undefined,
  },
});
