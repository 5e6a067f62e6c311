// `medsapiens bench-dicom`: images received per second and end to end from a device's C-STORE to
// landmarks stored (see dicom-net/receive-bench.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { runReceiveBench } from '../../dicom-net/receive-bench.js';
import { info, writeResult } from '../output.js';

export function registerBenchDicom(program: Command): void {
  program
    .command('bench-dicom')
    .description('the DICOM receiver: images received per second and storescu-to-landmarks time, on a temporary database')
    .argument('<files...>', 'DICOM cephalograms to send (files or folders of .dcm files), each a different image')
    .option('--json <file>', 'write the figures as JSON')
    .action(async (args: string[], opts: { json?: string }) => {
      const files = args.flatMap((a) => (fs.statSync(a).isDirectory() ? fs.readdirSync(a).filter((n) => n.toLowerCase().endsWith('.dcm')).sort().map((n) => path.join(a, n)) : [a]));
      const r = await runReceiveBench(files, info);
      const text = JSON.stringify({ ...r, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version } }, null, 2) + '\n';
      if (opts.json) writeResult(text, opts.json);
      else process.stdout.write(text);
    });
}
