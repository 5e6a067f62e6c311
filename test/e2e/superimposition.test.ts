// End to end in Chromium against the real services (issue 22): two studies of one patient (an ISBI
// film, and the same film a year later whose mandible was moved as growth would), imported as DICOM
// and traced by the real model; the timeline lists them with the patient's age; "Superimpose" draws
// both tracings on the first study's image in their colours, where the server placed them; the
// change table shows the change; the PDF downloads. Screenshots go to test-artifacts/e2e.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ISBI } from '../helpers/cli.js';
import { patientDicom } from '../helpers/patient-dicom.js';
import { ensureRendererBuilt } from './helpers/build.js';
import { loopbackClient, type LoopbackClient } from '../helpers/loopback-client.js';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, showTab, waitFor } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const SLOW = 180_000;
const MANDIBLE = ['supramentale', 'pogonion', 'gnathion', 'menton', 'gonion', 'lower_incisal_incision'];


describe('superimposition in Chromium against the real services', { skip: NO_CHROMIUM }, () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const api: LoopbackClient['call'] = (name, req) => loopbackClient(srv.server).call(name, req);

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    srv = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('two studies of one patient superimposed on S-N: both tracings drawn, the change tabulated, the PDF downloaded', { timeout: SLOW }, async () => {
    const film = path.join(ISBI, 'images', '151.jpg');
    const tags = { patientName: 'Growth^Gina', patientId: 'P-22', birthDate: '20120301', sex: 'F' as const, spacingMm: 0.1 };
    const ids: number[] = [];
    for (const [date, uid] of [['20240305', '1.2.826.0.1.3680043.10.998.1'], ['20250310', '1.2.826.0.1.3680043.10.998.2']]) {
      const bytes = await patientDicom(film, { ...tags, studyDate: date, studyUid: uid });
      const r = await api('images.importBytes', { fileName: `${date}.dcm`, dataBase64: bytes.toString('base64') });
      assert.ok(r.ok, JSON.stringify(r));
      ids.push((r as { imageId: number }).imageId);
    }
    const [t0, t1] = ids;
    let set = (await api('cases.get', { imageId: t1 })).landmarks!;
    for (const id of MANDIBLE) {
      const p = set.points.find((q) => q.landmarkId === id)!;
      set = await api('landmarks.move', { setId: set.setId, landmarkId: id, x: p.x + 20, y: p.y + 30 });
    }

    // the later study is open; its timeline lists both, T0 first, with the ages
    await page.goto(srv.pageUrl);
    await page.locator(`button.case[data-image-id="${t1}"]`).click();
    await showTab(page, 'Patient');
    const timeline = page.getByTestId('timeline');
    await timeline.locator(`li[data-image-id="${t0}"]`).getByText('T0').waitFor();
    assert.match((await timeline.locator(`li[data-image-id="${t0}"]`).textContent()) ?? '', /T0 2024-03-05 · age 12\.0/);
    assert.match((await timeline.locator(`li[data-image-id="${t1}"]`).textContent()) ?? '', /T1 2025-03-10 · age 13\.0/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'superimposition-1-timeline.png') });

    await timeline.getByLabel('Registration').selectOption('sn-at-s');
    await timeline.getByTestId('superimpose').click();
    // drawn on T0's image: the app opens it
    await waitFor('T0 opened', async () => Number(await page.evaluate(() => sessionStorage.getItem('medsapiens.openCase'))) === t0);
    const expected = await api('superimposition.compute', { imageIds: [t0, t1], registration: 'sn-at-s', analyses: ['steiner'] });
    const drawn = await waitFor('both tracings drawn', async () => {
      const groups = await page.$$eval('[data-testid="superimposition-overlay"] g', (gs) =>
        gs.map((g) => ({
          label: g.getAttribute('data-label'),
          colour: g.getAttribute('stroke'),
          points: Object.fromEntries(
            [...g.querySelectorAll('circle')].map((c) => {
              const r = c.getBoundingClientRect();
              return [c.getAttribute('data-landmark-id'), window.__medsapiensViewer!.clientToImage(r.x + r.width / 2, r.y + r.height / 2)];
            }),
          ),
        })),
      );
      // the overlay follows each render of the view: while T0 replaces T1 in the viewer the camera
      // is briefly another image's, so wait until every point sits on the film
      const settled = groups.every((g) => Object.values(g.points).every((p) => p && p.x >= 0 && p.y >= 0 && p.x <= 1935 && p.y <= 2400));
      return groups.length === 2 && Object.keys(groups[1].points).length >= 19 && settled ? groups : null;
    });
    assert.deepEqual(drawn.map((g) => g.label), ['T0 (2024-03-05)', 'T1 (2025-03-10)']);
    assert.notEqual(drawn[0].colour, drawn[1].colour);
    for (const [i, g] of drawn.entries()) {
      for (const [id, p] of Object.entries(g.points)) {
        const want = expected.onFirstImage[i][id];
        assert.ok(p && Math.hypot(p.x - want.x, p.y - want.y) < 3, `${g.label} ${id} drawn at ${JSON.stringify(p)}, placed at ${JSON.stringify(want)}`);
      }
    }
    // the moved chin is drawn 2 mm right and 3 mm down of T0's (20, 30 px): S-N lies on S-N
    const pog = expected.onFirstImage.map((t) => t.pogonion);
    assert.ok(Math.hypot(pog[1].x - pog[0].x - 20, pog[1].y - pog[0].y - 30) < 0.5, JSON.stringify(pog));
    const snb = page.getByTestId('change-table').locator('tr[data-measure-id="snb"] td[data-change]');
    const shownChange = Number(await snb.getAttribute('data-change'));
    assert.ok(Math.abs(shownChange - expected.measures.find((m) => m.id === 'snb')!.changes[1]!) < 1e-9 && shownChange > 0.3, `SNB change ${shownChange}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'superimposition-2-overlay.png') });

    const download = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByTestId('superimposition-pdf').click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^superimposition-sn-at-s-\d+-\d+\.pdf$/);
    const saved = path.join(ARTIFACTS, file.suggestedFilename());
    await file.saveAs(saved);
    assert.equal(fs.readFileSync(saved).subarray(0, 5).toString(), '%PDF-');

    // the later film blended over the first: laid where the registration puts it (the same film and
    // an unmoved S-N here, so its corners fall on the first film's), following pan and zoom
    await page.getByTestId('blend-images').check();
    const corners = async () =>
      page.$$eval('[data-testid="superimposition-overlay"] image[data-blend]', (imgs) =>
        imgs.map((img) => {
          const el = img as SVGImageElement;
          const m = el.getScreenCTM()!;
          const w = el.width.baseVal.value;
          const h = el.height.baseVal.value;
          const v = window.__medsapiensViewer!;
          // (no helper functions in here: the test runner's transpiler would name them, unknown in the page)
          return {
            label: img.getAttribute('data-blend'),
            href: img.getAttribute('href'),
            drawn: [{ x: m.e, y: m.f }, { x: m.a * w + m.c * h + m.e, y: m.b * w + m.d * h + m.f }],
            first: [v.imageToClient({ x: 0, y: 0 }), v.imageToClient({ x: w, y: h })],
          };
        }),
      );
    const blended = await waitFor('T1 blended', async () => {
      const c = await corners();
      return c.length === 1 ? c[0] : null;
    });
    assert.equal(blended.label, 'T1 (2025-03-10)');
    assert.match(blended.href ?? '', /^blob:/);
    for (const k of [0, 1]) assert.ok(blended.first[k] && Math.hypot(blended.drawn[k].x - blended.first[k]!.x, blended.drawn[k].y - blended.first[k]!.y) < 1.5, JSON.stringify(blended));
    await page.screenshot({ path: path.join(ARTIFACTS, 'superimposition-3-blended.png') });
    await page.getByTestId('blend-images').uncheck();
    await waitFor('blend removed', async () => (await corners()).length === 0);

    // the clinician moved T1's mandible: the model against the clinician, from the database
    await page.locator('details.agreement summary').click();
    const agreement = page.getByTestId('agreement');
    await agreement.waitFor();
    assert.equal(await agreement.getAttribute('data-images'), '1');
    const pogRow = await agreement.locator('tr[data-landmark-id="pogonion"] td').allTextContents();
    assert.equal(pogRow[1], Math.hypot(2, 3).toFixed(2), `pogonion ${pogRow.join(' | ')}`);
    const sellaRow = await agreement.locator('tr[data-landmark-id="sella"] td').allTextContents();
    assert.equal(sellaRow[1], '0.00');
    await page.screenshot({ path: path.join(ARTIFACTS, 'superimposition-4-model-vs-clinician.png') });
    const agreementPdf = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByTestId('agreement-pdf').click();
    const aFile = await agreementPdf;
    assert.equal(aFile.suggestedFilename(), 'agreement-model-vs-clinician.pdf');
    const aSaved = path.join(ARTIFACTS, aFile.suggestedFilename());
    await aFile.saveAs(aSaved);
    assert.equal(fs.readFileSync(aSaved).subarray(0, 5).toString(), '%PDF-');
    assert.deepEqual(pageErrors, []);
  });
});
