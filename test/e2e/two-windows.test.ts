// Two windows on one tracing, in Chromium against the real services: while the app shows a case,
// another client (a second window, over the same API) moves sella; a drag in the app on its now
// stale tracing is refused by the server, and the app says what happened and shows the tracing as
// it now is (sella where the other window put it, its own drag not applied). Undo in the app then
// does not take back the other window's edit.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ISBI } from '../helpers/cli.js';
import { loopbackClient } from '../helpers/loopback-client.js';
import { ensureRendererBuilt } from './helpers/build.js';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, waitFor } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('two windows on one tracing', { skip: NO_CHROMIUM }, () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    ensureRendererBuilt();
    srv = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('a stale drag is refused with the reason and the current tracing shown; undo leaves the other window’s edit', { timeout: 180_000 }, async () => {
    const other = loopbackClient(srv.server);
    const [r] = await other.call('images.importPaths', { paths: [path.join(ISBI, 'images', '151.jpg')], detect: true });
    assert.ok(r.ok);
    const imageId = (r as { imageId: number }).imageId;
    await page.goto(srv.pageUrl);
    await page.locator(`button.case[data-image-id="${imageId}"]`).click();
    const first = (await other.call('cases.get', { imageId })).landmarks!;
    const drawnAt = async (id: string) =>
      page.evaluate((lid) => {
        const el = document.querySelector(`circle[data-id="landmark:${lid}"]`);
        if (!el) return null;
        const r = el.getBoundingClientRect();
        return { clientX: r.x + r.width / 2, clientY: r.y + r.height / 2, img: window.__medsapiensViewer?.clientToImage(r.x + r.width / 2, r.y + r.height / 2) ?? null };
      }, id);
    const nasion = await waitFor('nasion drawn', () => drawnAt('nasion'));

    // the other window moves sella 3 mm forward
    const sella = first.points.find((p) => p.landmarkId === 'sella')!;
    await other.call('landmarks.move', { setId: first.setId, landmarkId: 'sella', x: sella.x + 30, y: sella.y, clientId: 'other-window', baseVersion: first.version });

    // the app, still showing the old tracing, drags nasion
    await page.mouse.move(nasion.clientX, nasion.clientY);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(nasion.clientX + 3 * i, nasion.clientY + i);
    await page.mouse.up();
    const banner = page.locator('.error-banner');
    await banner.waitFor();
    assert.equal(await banner.getAttribute('data-code'), 'conflict');
    assert.match((await banner.textContent()) ?? '', /changed since it was loaded \(sella moved at \d\d:\d\d UTC in another window\): nothing was applied/);
    // what the server holds: sella moved by the other window, nasion where it was
    const now = (await other.call('cases.get', { imageId })).landmarks!;
    assert.deepEqual(now.points.find((p) => p.landmarkId === 'nasion'), first.points.find((p) => p.landmarkId === 'nasion'));
    // and the app shows it
    await waitFor('sella drawn where the other window put it', async () => {
      const s = await drawnAt('sella');
      return s?.img && Math.hypot(s.img.x - (sella.x + 30), s.img.y - sella.y) < 3;
    });
    await page.screenshot({ path: path.join(ARTIFACTS, 'two-windows-conflict.png') });

    // undo here: the last edit is the other window's, not this one's to take back
    await page.getByTestId('undo').click();
    await waitFor('undo refused', async () => /was not made here/.test((await page.locator('.error-banner').textContent().catch(() => '')) ?? ''));
    assert.equal((await other.call('cases.get', { imageId })).landmarks!.points.find((p) => p.landmarkId === 'sella')!.x, sella.x + 30);
    assert.deepEqual(pageErrors, []);
  });
});
