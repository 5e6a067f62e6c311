// The DICOM network in the app, in Chromium against the real services and a real Orthanc: the
// receiver is switched on in the panel and a device's storescu lands in the case list traced; the
// PACS is set up and tested, searched, a study retrieved; the open case's SR and PDF are sent
// back and are in Orthanc.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cephalogramDicom, dcmtk, freePort } from '../dicom-net/helpers.js';
import { type Orthanc, startOrthanc } from '../dicom-net/orthanc.js';
import { ensureRendererBuilt } from './helpers/build.js';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, waitFor } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('the DICOM network panel in Chromium', { skip: NO_CHROMIUM }, () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;
  let orthanc: Orthanc;
  let tmp: string;
  let receiverPort: number;
  const pageErrors: string[] = [];

  before(async () => {
    ensureRendererBuilt();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-e2e-dicom-'));
    receiverPort = await freePort();
    orthanc = await startOrthanc(tmp, { medsapiens: ['MEDSAPIENS', '127.0.0.1', receiverPort] });
    srv = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await orthanc?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('receive from a device, set up and search the PACS, retrieve a study, send the results back', { timeout: 240_000 }, async () => {
    const device = await cephalogramDicom(tmp, '004', 4);
    const inPacs = await cephalogramDicom(tmp, '005', 5);
    assert.equal((await dcmtk('storescu', ['-xy', '-aec', orthanc.aeTitle, '127.0.0.1', String(orthanc.dicomPort), inPacs])).code, 0);

    await page.goto(srv.pageUrl);
    const panel = page.locator('details.dicom-network');
    await panel.locator('summary').click();
    const receiver = panel.getByRole('form', { name: 'DICOM receiver' });
    assert.equal(await receiver.getByTestId('receiver-state').getAttribute('data-listening'), 'false');
    await receiver.getByLabel('Receiver port').fill(String(receiverPort));
    await receiver.locator('label.check input').check();
    await receiver.getByRole('button', { name: 'Save' }).click();
    await waitFor('the receiver listening', async () => (await receiver.getByTestId('receiver-state').getAttribute('data-listening')) === 'true');

    // a device sends a film: it appears in the case list, traced
    const sent = await dcmtk('storescu', ['-xy', '-aet', 'CEPHALOSTAT', '-aec', 'MEDSAPIENS', '127.0.0.1', String(receiverPort), device]);
    assert.equal(sent.code, 0, sent.out);
    await waitFor('the received film in the case list', async () => (await page.locator('button.case').count()) === 1, 60_000);
    await waitFor('the receiver to count it imported', async () => /1 received, 1 imported/.test((await receiver.getByTestId('receiver-state').textContent()) ?? ''));
    await page.screenshot({ path: path.join(ARTIFACTS, 'dicom-1-received.png') });

    // the PACS: set up, tested, searched, a study retrieved
    const pacs = panel.getByRole('form', { name: 'PACS' });
    await pacs.getByLabel('PACS AE title').fill(orthanc.aeTitle);
    await pacs.getByLabel('PACS host').fill('127.0.0.1');
    await pacs.getByLabel('PACS port').fill(String(orthanc.dicomPort));
    await pacs.getByRole('button', { name: 'Save' }).click();
    await waitFor('the PACS saved', async () => (await pacs.getByTestId('pacs-note').textContent()) === 'Saved');
    await pacs.getByTestId('pacs-echo').click();
    await waitFor('the echo', async () => /The PACS answers/.test((await pacs.getByTestId('pacs-note').textContent()) ?? ''));
    const search = panel.getByRole('form', { name: 'Search the PACS' });
    await search.getByLabel('Patient name').fill('store');
    await search.getByLabel('Modality').fill('ot');
    await search.getByTestId('pacs-search').click();
    const row = search.locator('tr[data-study-uid="1.2.826.0.1.3680043.10.997.5"]');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Store Anna5.*DS-5.*2024-03-01/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dicom-2-search.png') });
    await row.getByRole('button', { name: 'Retrieve' }).click();
    await waitFor('the retrieve', async () => /1 image\(s\) of Store\^Anna5 received/.test((await search.getByTestId('pacs-search-note').textContent().catch(() => '')) ?? ''));
    await waitFor('the retrieved film in the case list', async () => (await page.locator('button.case').count()) === 2, 60_000);

    // the received film's results go back to the PACS from the open case
    const id = srv.app.store.listCases({ limit: 10 }).find((c) => c.patientName?.includes('Anna4'))!.imageId;
    await page.locator(`button.case[data-image-id="${id}"]`).click();
    const send = page.getByTestId('send-pacs');
    await send.getByRole('button', { name: 'Send to PACS' }).click();
    await waitFor('the results stored', async () => /Tracing \(SR\) and report \(PDF\) stored in TESTPACS/.test((await send.getByTestId('send-pacs-note').textContent().catch(() => '')) ?? ''), 60_000);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dicom-3-sent.png') });
    const studies = await orthanc.rest<{ MainDicomTags: { StudyInstanceUID: string }; Series: string[] }[]>('/studies?expand');
    const sentStudy = studies.find((s) => s.MainDicomTags.StudyInstanceUID === '1.2.826.0.1.3680043.10.997.4');
    assert.equal(sentStudy?.Series.length, 2, 'the SR and the PDF in the received film\'s study (the film itself never went to the PACS)');
    assert.deepEqual(pageErrors, []);
  });
});
