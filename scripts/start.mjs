// `npm start`: build, then open the desktop app; where Electron's binary is missing (it cannot be
// downloaded on offline machines), serve the same UI on 127.0.0.1 and say why.
import { spawnSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';

const require = createRequire(import.meta.url);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('npm', ['run', 'build']);
if (!fs.existsSync('dist/renderer/index.html')) run('npm', ['run', 'build:renderer']);

let electronBinary = null;
let why = '';
try {
  electronBinary = require('electron'); // the path of the binary, or a throw when it was never downloaded
  if (typeof electronBinary !== 'string' || !fs.existsSync(electronBinary)) {
    why = 'the Electron binary is not installed';
    electronBinary = null;
  }
} catch (e) {
  why = `Electron cannot start here (${String(e.message).split('\n')[0]})`;
}
if (electronBinary && !process.env.MEDSAPIENS_NO_ELECTRON) {
  const child = spawn(electronBinary, ['.'], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stderr.write(`medsapiens: ${why || 'MEDSAPIENS_NO_ELECTRON is set'}; serving the same UI on 127.0.0.1 instead.\n`);
  const child = spawn(process.execPath, ['bin/medsapiens.js', 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
