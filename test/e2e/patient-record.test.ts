// Patient records in Chromium against the real services: a JPEG case gets a name, ID, birth date
// and sex (the report carries them); a second film of that patient sits with it under the patient
// in the case list, each with its film small; the case is archived out of the list and restored,
// then deleted after a confirmation; the library's copy and preview go with it and the audit keeps
// a line for each step.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ISBI } from '../helpers/cli.js';
import { ensureRendererBuilt } from './helpers/build.js';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, waitFor } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('patient records in Chromium', { skip: NO_CHROMIUM }, () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    ensureRendererBuilt();
    srv = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('edit a JPEG case\'s patient record, archive and restore it, delete it with confirmation', { timeout: 120_000 }, async () => {
    const imported = await srv.app.handlers['images.importPaths']({ paths: [path.join(ISBI, 'images', '010.jpg'), path.join(ISBI, 'images', '011.jpg')], detect: false });
    const [id, other] = imported.map((r) => (r as { imageId: number }).imageId) as [number, number];
    await page.goto(srv.pageUrl);
    const caseButton = page.locator(`button.case[data-image-id="${id}"]`);
    await caseButton.click();
    await page.getByRole('tab', { name: 'Patient' }).click();
    const panel = page.locator('section.patient-record');
    await panel.getByLabel('Patient name').fill('Müller Zoë');
    await panel.getByLabel('Patient ID').fill('ORTHO-42');
    await panel.getByLabel('Birth date').fill('2012-05-17');
    await panel.getByLabel('Sex').selectOption('F');
    await panel.getByTestId('save-patient').click();
    await waitFor('saved', async () => (await panel.getByTestId('patient-note').textContent({ timeout: 500 }).catch(() => '')) === 'Saved', 15_000).catch(async (e) => { throw new Error(`${e.message}: ${await panel.textContent()}`); });
    await waitFor('the case list shows the name', async () => ((await caseButton.textContent()) ?? '').includes('Müller Zoë'));
    assert.match((await page.getByTestId('open-case').textContent()) ?? '', /Müller Zoë · ORTHO-42/);
    const c = srv.app.store.getCase(id);
    assert.deepEqual([c.patient.name, c.patient.externalId, c.patient.birthDate, c.patient.sex], ['Müller Zoë', 'ORTHO-42', '2012-05-17', 'F']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'patient-record.png') });

    // the other film filed under the same patient: the list shows the patient once, both studies under
    await srv.app.handlers['patients.edit']({ imageId: other, name: 'Müller Zoë', patientId: 'ORTHO-42', birthDate: null, sex: null });
    await page.reload();
    const group = page.locator('li.patient-group');
    await waitFor('one patient, two studies', async () => (await group.count()) === 1 && (await group.locator('button.case').count()) === 2);
    assert.match((await group.locator('.patient-head').textContent()) ?? '', /Müller Zoë.*ORTHO-42 · 2 studies/);
    // each study shows its film small: a preview made from the library's copy, kept beside it
    await waitFor('both previews drawn', async () =>
      (await group.locator('button.case .thumb img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalHeight === 96).length)) === 2,
    );
    const preview = path.join(srv.app.library.folder, 'thumbnails', `${c.image.sha256}.jpg`);
    assert.ok(fs.existsSync(preview), 'the preview is kept');
    await page.screenshot({ path: path.join(ARTIFACTS, 'case-list-patient-group.png') });
    await caseButton.click();
    await page.getByRole('tab', { name: 'Patient' }).click();

    // archived: out of the list, shown with "archived cases", restored
    await panel.getByTestId('archive-case').click();
    await waitFor('out of the list', async () => (await caseButton.count()) === 0);
    await page.getByTestId('show-archived').check();
    await waitFor('in the archived list', async () => (await caseButton.count()) === 1 && (await page.locator('button.case').count()) === 1);
    assert.equal(await panel.getByTestId('archive-case').textContent(), 'Restore to the list');
    await panel.getByTestId('archive-case').click();
    await page.getByTestId('show-archived').uncheck();
    await waitFor('back in the list', async () => (await caseButton.count()) === 1 && (await page.locator('button.case').count()) === 2);

    // delete: asks first; cancel keeps it; confirm removes it and its library copy
    const copy = path.join(srv.app.library.folder, c.image.sha256);
    assert.ok(fs.existsSync(copy));
    await panel.getByTestId('delete-case').click();
    await page.getByRole('alertdialog', { name: 'Delete this case?' }).getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await caseButton.count(), 1);
    await panel.getByTestId('delete-case').click();
    await page.getByTestId('confirm-delete').click();
    await waitFor('the case gone', async () => (await caseButton.count()) === 0 && (await page.locator('button.case').count()) === 1);
    assert.equal(await page.locator(`button.case[data-image-id="${other}"]`).count(), 1);
    assert.ok(!fs.existsSync(copy), 'the image library copy is removed');
    assert.ok(!fs.existsSync(preview), 'and its preview');
    assert.deepEqual(
      srv.app.store.auditLog(id).map((l) => l.action),
      ['patient_edited', 'case_archived', 'case_restored', 'case_deleted'],
    );
    assert.deepEqual(pageErrors, []);
  });
});
