// Folder walks are bounded: a system folder is refused before it is entered (by the walk, a batch
// and a watch, in words), and a walk stops after so many files or levels, saying so. The walk's
// I/O is asynchronous: the thread keeps running while a tree is listed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AppError } from '../../src-shared/errors.js';
import { walkFolder } from '../../src-main/services/folder-walk.js';
import { refuseSystemFolder } from '../../src-main/services/system-paths.js';
import { cli } from '../helpers/cli.js';

test('system folders are refused; folders of radiographs, wherever they are, are not', async () => {
  for (const dir of ['/', '/proc', '/proc/self', '/sys/class', '/dev', '/etc', '/usr', '/var', '/boot/']) {
    await assert.rejects(walkFolder(dir), (e: unknown) => e instanceof AppError && e.code === 'bad_request' && /is a system folder/.test(e.message), dir);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-walk-'));
  try {
    for (const ok of [tmp, '/var/tmp', '/usr/share/doc']) if (fs.existsSync(ok)) assert.doesNotThrow(() => refuseSystemFolder(ok), ok);
    // a link to the root is the root
    fs.symlinkSync('/', path.join(tmp, 'everything'));
    await assert.rejects(walkFolder(path.join(tmp, 'everything')), /is a system folder/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const r = cli(['batch', '/', '--out', path.join(os.tmpdir(), 'never.csv')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /\/ is a system folder, not a folder of radiographs/);
});

test('a walk stops after so many files, and does not go deeper than so many levels, saying so', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-walk-'));
  try {
    for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(tmp, `f${String(i).padStart(2, '0')}.dcm`), 'x');
    let deep = tmp;
    for (let i = 0; i < 6; i++) fs.mkdirSync((deep = path.join(deep, `d${i}`)));
    fs.writeFileSync(path.join(deep, 'deepest.dcm'), 'x');

    const all = await walkFolder(tmp);
    assert.equal(all.files.length, 31);
    assert.deepEqual(all.problems, []);
    const few = await walkFolder(tmp, { maxFiles: 10, maxDepth: 32 });
    assert.equal(few.files.length, 10);
    assert.match(few.problems.map((p) => p.message).join('\n'), /more than 10 files: the walk stopped/);
    const shallow = await walkFolder(tmp, { maxFiles: 1000, maxDepth: 3 });
    assert.ok(!shallow.files.some((f) => f.endsWith('deepest.dcm')));
    assert.match(shallow.problems.map((p) => p.message).join('\n'), /more than 3 folders deep: not entered/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('listing a tree does not hold the thread: timers run while it is walked', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-walk-'));
  try {
    for (let d = 0; d < 40; d++) {
      const sub = path.join(tmp, `d${d}`);
      fs.mkdirSync(sub);
      for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(sub, `f${i}.dcm`), '');
    }
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const walk = await walkFolder(tmp);
    clearInterval(timer);
    assert.equal(walk.files.length, 2000);
    assert.ok(ticks > 0, 'a timer ran during the walk');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
