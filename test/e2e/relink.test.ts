// A case whose image file was replaced in the library is never drawn with another film: the viewer
// says what happened and offers to take the original back; given another film it refuses, given the
// original it shows the image again, in Chromium against the real services.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ISBI } from '../helpers/cli.js';
import { ensureRendererBuilt } from './helpers/build.js';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, waitFor } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('relinking a changed image in Chromium', { skip: NO_CHROMIUM }, () => {
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

  test('the viewer refuses a replaced film, says so, and shows the case again once the original is given', { timeout: 180_000 }, async () => {
    const original = path.join(ISBI, 'images', '151.jpg');
    const other = path.join(ISBI, 'images', '152.jpg');
    const [r] = await srv.app.handlers['images.importPaths']({ paths: [original], detect: false });
    assert.ok(r.ok, JSON.stringify(r));
    const id = (r as { imageId: number }).imageId;
    const copy = path.join(srv.app.library.folder, srv.app.store.getCase(id).image.sha256);
    fs.copyFileSync(other, copy);

    await page.goto(srv.pageUrl);
    await page.locator(`button.case[data-image-id="${id}"]`).click();
    const alert = page.locator('.viewport-error');
    await alert.waitFor();
    assert.equal(await alert.getAttribute('data-code'), 'image_changed');
    assert.match((await alert.textContent()) ?? '', /not the one imported: its content changed/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'relink-1-changed.png') });

    await page.getByTestId('relink-file').setInputFiles(other);
    await waitFor('another film refused', async () => /is not this case's image/.test((await alert.textContent()) ?? ''));

    await page.getByTestId('relink-file').setInputFiles(original);
    await waitFor('the image shown again', async () => (await page.locator('.viewport-error').count()) === 0 && (await page.evaluate(() => window.__medsapiensViewer?.imageToClient({ x: 10, y: 10 }) ?? null)) !== null);
    await page.screenshot({ path: path.join(ARTIFACTS, 'relink-2-shown.png') });
    assert.ok(fs.readFileSync(copy).equals(fs.readFileSync(original)), 'the library holds the original again');
    assert.deepEqual(pageErrors, []);
  });
});
