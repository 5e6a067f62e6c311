// The watch folder as a setting of the app, through the real `medsapiens serve` and its loopback
// API (what the renderer calls): a folder set in the app is watched, files written into it are
// imported and traced, and after the app restarts it is watched again without anything being
// processed twice. Bad folders are refused with typed errors and leave the setting as it was; a
// folder given on the command line applies to that run only; clearing the setting stops it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { API, type ApiName, type ApiRequest, type ApiResponse, EnvelopeSchema } from '../../src-shared/api/contract.js';
import type { AppErrorData } from '../../src-shared/errors.js';
import { ISBI } from '../helpers/cli.js';
import { count, type Proc, readDb, sleep, startCli, watchEntry, writeInChunks } from './helpers.js';

const jpg = (id: string) => path.join(ISBI, 'images', `${id}.jpg`);

interface Served {
  proc: Proc;
  call<N extends ApiName>(name: N, req: ApiRequest<N>): Promise<ApiResponse<N>>;
  refused(name: ApiName, req: unknown): Promise<AppErrorData>;
  stop(): Promise<void>;
}

async function serve(db: string, staticDir: string, extra: string[] = []): Promise<Served> {
  const proc = startCli(['serve', '--db', db, '--static', staticDir, ...extra], { entry: watchEntry() });
  await proc.waitFor(() => proc.lines.some((l) => l.includes('#token=')), 'the server address');
  const [base, token] = proc.lines.find((l) => l.includes('#token='))!.trim().split('/#token=');
  const post = async (name: string, req: unknown) => {
    const res = await fetch(`${base}/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-medsapiens-token': token },
      body: JSON.stringify(req),
    });
    return EnvelopeSchema.parse(await res.json());
  };
  return {
    proc,
    async call(name, req) {
      const env = await post(name, req);
      if (!env.ok) throw new Error(`${name}: ${env.error.code}: ${env.error.message}`);
      return API[name].response.parse(env.value) as never;
    },
    async refused(name, req) {
      const env = await post(name, req);
      assert.equal(env.ok, false, `${name} ${JSON.stringify(req)} was accepted`);
      return (env as { error: AppErrorData }).error;
    },
    async stop() {
      proc.child.kill('SIGTERM');
      const { code } = await proc.exited;
      assert.equal(code, 0, `serve exited with ${code}: ${proc.stderr().slice(-2000)}`);
    },
  };
}

async function until<T>(what: string, fn: () => Promise<T | false | null>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

test('the watch folder set in the app: watched, remembered across a restart, nothing processed twice', { timeout: 240_000 }, async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-watch-setting-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const folder = path.join(tmp, 'incoming');
  const other = path.join(tmp, 'other');
  const staticDir = path.join(tmp, 'ui');
  for (const d of [folder, other, staticDir]) fs.mkdirSync(d);
  const db = path.join(tmp, 'cases.sqlite');
  const savedFolder = () => readDb(db, (d) => (d.prepare(`SELECT value FROM settings WHERE key = 'watch.folder'`).get() as { value: string } | undefined)?.value ?? null);

  // 1. a fresh app watches nothing; folders that cannot be watched are refused and change nothing
  let app = await serve(db, staticDir);
  try {
    assert.deepEqual(await app.call('watch.status', {}), { folder: null, source: null, watching: false, done: 0, failed: 0, waiting: 0, error: null });
    assert.equal((await app.refused('watch.set', { folder: 'incoming' })).code, 'bad_request');
    assert.equal((await app.refused('watch.set', { folder: path.join(tmp, 'no-such-folder') })).code, 'not_found');
    fs.writeFileSync(path.join(tmp, 'a-file.txt'), 'x');
    assert.equal((await app.refused('watch.set', { folder: path.join(tmp, 'a-file.txt') })).code, 'unreadable');
    assert.equal((await app.refused('watch.set', { folder: '' })).code, 'bad_request');
    assert.equal((await app.call('watch.status', {})).watching, false);
    assert.equal(savedFolder(), null);

    // 2. set in the app: watched at once and saved
    const set = await app.call('watch.set', { folder });
    assert.deepEqual([set.folder, set.source, set.watching, set.error], [folder, 'setting', true, null]);
    assert.equal(savedFolder(), JSON.stringify(folder));
    await writeInChunks(jpg('001'), path.join(folder, '001.jpg'), 4, 300); // as a device writes it
    const s1 = await until('the first file to be imported', async () => {
      const s = await app.call('watch.status', {});
      return s.done + s.failed >= 1 && s;
    });
    assert.deepEqual([s1.done, s1.failed], [1, 0]);
    const cases = await app.call('cases.list', {});
    assert.deepEqual(cases.map((c) => [c.fileName, c.hasLandmarks]), [['001.jpg', true]]);
  } finally {
    await app.stop();
  }

  // 3. restarted: the saved folder is watched again, and what was done is not redone
  app = await serve(db, staticDir);
  try {
    const again = await until('the saved folder to be watched again', async () => {
      const s = await app.call('watch.status', {});
      return s.watching && s;
    });
    assert.deepEqual([again.folder, again.source], [folder, 'setting']);
    await sleep(3500); // longer than the watcher needs to settle and process a file
    const idle = await app.call('watch.status', {});
    assert.deepEqual([idle.done, idle.failed], [0, 0], 'the file imported before the restart was processed again');
    fs.copyFileSync(jpg('002'), path.join(folder, '002.jpg'));
    await until('the new file after the restart', async () => (await app.call('watch.status', {})).done === 1);
    assert.deepEqual((await app.call('cases.list', {})).map((c) => c.fileName).sort(), ['001.jpg', '002.jpg']);
  } finally {
    await app.stop();
  }

  // 4. a folder on the command line is watched for that run only; the setting stays as it was
  app = await serve(db, staticDir, ['--watch', other]);
  try {
    const cli = await until('the command-line folder', async () => {
      const s = await app.call('watch.status', {});
      return s.watching && s;
    });
    assert.deepEqual([cli.folder, cli.source], [other, 'command-line']);
    assert.equal(savedFolder(), JSON.stringify(folder));

    // 5. stopping in the app clears the setting
    const off = await app.call('watch.set', { folder: null });
    assert.deepEqual([off.folder, off.watching], [null, false]);
    assert.equal(savedFolder(), null);
  } finally {
    await app.stop();
  }
  app = await serve(db, staticDir);
  try {
    await sleep(500);
    assert.equal((await app.call('watch.status', {})).watching, false);
  } finally {
    await app.stop();
  }
  // each image once, each with one landmark set
  readDb(db, (d) => {
    assert.equal(count(d, 'SELECT count(*) n FROM images'), 2);
    assert.equal(count(d, 'SELECT count(*) n FROM landmark_sets'), 2);
  });
});
