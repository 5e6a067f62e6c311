// Runs the training package's Python twins (Debian's python3, where torch and numpy live).
import { execFileSync } from 'node:child_process';
import { projectRoot } from '../../src-main/util/paths.js';

export const PYTHON = process.env.MEDSAPIENS_PYTHON ?? '/usr/bin/python3';

export function runPython(args: string[]): string {
  return execFileSync(PYTHON, args, { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
