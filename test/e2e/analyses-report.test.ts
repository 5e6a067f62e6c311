// The analyses in the app, in Chromium against the real services and model: the chosen analysis is
// remembered across a reload; the ISBI classification shows each measure's class with the
// threshold that decided it (checked against the value shown); a report holds the analyses chosen
// for it (remembered too) and prints the classes; the landmark legend uses the PDF's words.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BAND_LEGEND } from '../../src-shared/landmark-bands.js';
import { ISBI } from '../helpers/cli.js';
import { ensureRendererBuilt } from './helpers/build.js';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, showTab, waitFor } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('analyses and reports in Chromium', { skip: NO_CHROMIUM }, () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    ensureRendererBuilt();
    srv = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('the analysis remembered, ISBI classes with thresholds, a report of several analyses, one legend', { timeout: 180_000 }, async () => {
    const [r] = await srv.app.handlers['images.importPaths']({ paths: [path.join(ISBI, 'images', '002.jpg')], detect: true });
    const id = (r as { imageId: number }).imageId;
    await page.goto(srv.pageUrl);
    await page.locator(`button.case[data-image-id="${id}"]`).click();
    const measures = page.locator('section.panel[aria-label="Measurements"]');
    await measures.getByLabel('Analysis').selectOption('isbi2015');
    const table = measures.locator('table.measures[data-analysis="isbi2015"]');
    await table.waitFor();
    const rules: Record<string, (v: number) => string> = {
      anb: (v) => (v < 3.2 ? 'Class III (ANB < 3.2°)' : v > 5.7 ? 'Class II (ANB > 5.7°)' : 'Class I (ANB 3.2–5.7°)'),
      sna: (v) => (v < 79.4 ? 'Retrognathic (SNA < 79.4°)' : v > 83.2 ? 'Prognathic (SNA > 83.2°)' : 'Normal (SNA 79.4–83.2°)'),
    };
    for (const [measure, expected] of Object.entries(rules)) {
      const row = table.locator(`tr[data-measure-id="${measure}"]`);
      const value = Number(await row.locator('td.value').getAttribute('data-value'));
      assert.equal(await row.locator('.isbi-class').textContent(), expected(value), `${measure} = ${value}`);
    }
    await waitFor('the image shown', async () => (await page.evaluate(() => window.__medsapiensViewer?.zoom() ?? null)) ?? null);
    await page.screenshot({ path: path.join(ARTIFACTS, 'isbi-classes.png') });

    // remembered across a reload
    await page.reload();
    await page.locator(`button.case[data-image-id="${id}"]`).click();
    assert.equal(await measures.getByLabel('Analysis').inputValue(), 'isbi2015');

    // the legend beside the landmark list uses the words of the PDF's legend
    await showTab(page, 'Landmarks');
    const legend = (await page.getByLabel('Colour legend').textContent()) ?? '';
    for (const words of Object.values(BAND_LEGEND)) assert.ok(legend.includes(words), `legend: ${words}`);
    await showTab(page, 'Measurements');

    // a report of two analyses, chosen in the panel and remembered
    const report = page.locator('section.panel[aria-label="Report"]');
    await report.getByTestId('report-analyses').click();
    await report.locator('input[data-analysis="downs"]').check();
    assert.match((await report.getByTestId('report-analyses').textContent()) ?? '', /Downs, ISBI 2015 clinical classification/);
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await report.getByTestId('export-report').click();
    const file = await download;
    const saved = path.join(ARTIFACTS, 'report-two-analyses.pdf');
    await file.saveAs(saved);
    const text = execFileSync('pdftotext', ['-layout', saved, '-'], { encoding: 'utf8' });
    assert.match(text, /ISBI 2015 clinical classification/);
    assert.match(text, /Downs/);
    assert.match(text, /ANB: Class I{1,3}/);
    await page.reload();
    await page.locator(`button.case[data-image-id="${id}"]`).click();
    assert.match((await report.getByTestId('report-analyses').textContent()) ?? '', /Downs, ISBI 2015 clinical classification/);
    assert.ok(fs.existsSync(saved));
    assert.deepEqual(pageErrors, []);
  });
});
