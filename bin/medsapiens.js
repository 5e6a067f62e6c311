#!/usr/bin/env node
// The CLI entry: runs the compiled services (npm run build produces dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entry = path.join(root, 'dist', 'src-main', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`medsapiens: ${entry} is missing; run "npm run build" in ${root} first\n`);
  process.exit(2);
}
await import(pathToFileURL(entry).href);
