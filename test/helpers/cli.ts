// Runs the real CLI (the compiled bin/medsapiens.js) as a subprocess.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src-main/util/paths.js';

export const CLI = path.join(projectRoot(), 'bin', 'medsapiens.js');
export const SHARED = path.join(projectRoot(), '..', 'shared', 'data');
export const ISBI = path.join(SHARED, 'isbi2015');
export const DICOM = path.join(SHARED, 'dicom');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliAsync(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
