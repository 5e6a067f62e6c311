// Test-only CLI entry for the commands src-main/cli/main.ts does not register yet (watch, report):
// the same compiled commands from dist/ under the same conventions as main.ts (stdout kept for
// results, errors as "medsapiens: code: message" with exit code 2). helpers.ts uses the real
// bin/medsapiens.js for a command as soon as main.js registers it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => path.join(root, 'dist', p);
const load = (p) => import(pathToFileURL(dist(p)).href);
const { protectStdout } = await load('src-main/cli/output.js');
protectStdout();
const { Command } = await import('commander');
const { toAppError } = await load('src-shared/errors.js');

const program = new Command();
program.name('medsapiens');
(await load('src-main/cli/commands/watch.js')).registerWatch(program);
if (fs.existsSync(dist('src-main/cli/commands/report.js'))) (await load('src-main/cli/commands/report.js')).registerReport(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = toAppError(e);
  process.stderr.write(`medsapiens: ${err.code}: ${err.message}\n`);
  process.exitCode = 2;
}
