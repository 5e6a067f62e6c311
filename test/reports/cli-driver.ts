// Runs `medsapiens report ...` in a child process, the way src-main/cli/main.ts does, for the
// tests that read what the command writes to stdout.
import { Command } from 'commander';
import { toAppError } from '../../src-shared/errors.js';
import { registerReport } from '../../src-main/cli/commands/report.js';
import { protectStdout } from '../../src-main/cli/output.js';

protectStdout();
const program = new Command().name('medsapiens');
registerReport(program);
program.parseAsync(process.argv).catch((e) => {
  const err = toAppError(e);
  process.stderr.write(`medsapiens: ${err.code}: ${err.message}\n`);
  process.exitCode = 2;
});
