// End to end, in a real browser, against the real services: the loopback server started in this
// process on a temporary database, the real ONNX model from models/, the built renderer, and
// Debian's Chromium driven by playwright-core. Checks what a clinician would: images import and
// show their 19 landmarks where the model put them, a landmark drags, the measurement follows,
// the edit persists, undo/redo works from the keyboard and survives a reload, bad files say why.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CaseDetail, LandmarkPoint } from '../../src-shared/api/contract.js';
import { API } from '../../src-shared/api/contract.js';
import { ISBI_LANDMARKS } from '../../src-shared/landmarks.js';
import { ensureRendererBuilt } from './helpers/build.js';
import { loopbackClient, type LoopbackClient } from '../helpers/loopback-client.js';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, showTab, waitFor } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { writeInChunks } from '../reliability/helpers.js';

const SHARED = path.resolve(import.meta.dirname, '../../../shared/data');
const ISBI_IMAGE = path.join(SHARED, 'isbi2015/images/151.jpg');
const DICOM = path.join(SHARED, 'dicom/cr-hip-jpeg-lossless.dcm');
const BROKEN_DICOM = path.join(SHARED, 'dicom/bad-mr-without-rows.dcm');
const SMALL_DICOM = path.join(SHARED, 'dicom/ot-uncompressed-8bit.dcm');
/** drawn overlay vs stored point, in image pixels (one screen pixel is ~3 image pixels here) */
const POSITION_TOLERANCE_PX = 3;
const SLOW = 180_000;


// what the renderer exposes for tests (see src-renderer/perf.ts and viewer/Viewer.tsx)
declare global {
  interface Window {
    __medsapiensPerf?: { imports: { fileName: string; imageId: number | null; landmarksDrawnMs: number | null }[]; measurementUpdateMs: number[]; linesUpdateMs: number[]; clear(): void };
    __medsapiensViewer?: {
      clientToImage(x: number, y: number): { x: number; y: number } | null;
      imageToClient(p: { x: number; y: number }): { x: number; y: number } | null;
    };
  }
}


describe('renderer in Chromium against the real services', { skip: NO_CHROMIUM }, () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const figures: Record<string, unknown> = {};

  const api: LoopbackClient['call'] = (name, req) => loopbackClient(srv.server).call(name, req);

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  }

  /** The landmarks as drawn: each overlay circle's centre on screen, read back in image pixels. */
  async function drawnLandmarks(on: Page = page): Promise<Map<string, { x: number; y: number; clientX: number; clientY: number }>> {
    const drawn = await on.$$eval('circle[data-id^="landmark:"]', (els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        const clientX = r.x + r.width / 2;
        const clientY = r.y + r.height / 2;
        const img = window.__medsapiensViewer?.clientToImage(clientX, clientY) ?? null;
        return { id: (el.getAttribute('data-id') ?? '').slice('landmark:'.length), clientX, clientY, img };
      }),
    );
    return new Map(drawn.filter((d) => d.img).map((d) => [d.id, { x: d.img!.x, y: d.img!.y, clientX: d.clientX, clientY: d.clientY }]));
  }

  function assertDrawnAt(drawn: Awaited<ReturnType<typeof drawnLandmarks>>, points: readonly LandmarkPoint[]): void {
    for (const p of points) {
      const d = drawn.get(p.landmarkId);
      assert.ok(d, `landmark ${p.landmarkId} is not drawn`);
      const err = Math.hypot(d.x - p.x, d.y - p.y);
      assert.ok(err <= POSITION_TOLERANCE_PX, `${p.landmarkId} drawn at (${d.x.toFixed(1)}, ${d.y.toFixed(1)}), stored at (${p.x.toFixed(1)}, ${p.y.toFixed(1)}): ${err.toFixed(2)} px apart`);
    }
  }

  async function openCaseId(): Promise<number> {
    return waitFor('an open case', async () => Number(await page.evaluate(() => sessionStorage.getItem('medsapiens.openCase'))) || null);
  }

  /** Waits until all of the case's stored landmarks are drawn where they are stored. */
  async function waitForDrawnCase(imageId: number, count: number, on: Page = page): Promise<CaseDetail> {
    return waitFor(`${count} landmarks of image ${imageId} drawn`, async () => {
      const detail = await api('cases.get', { imageId });
      if (!detail.landmarks || detail.landmarks.points.length !== count) return null;
      const drawn = await drawnLandmarks(on);
      if (drawn.size !== count) return null;
      assertDrawnAt(drawn, detail.landmarks.points);
      return detail;
    });
  }

  async function measureValue(id: string): Promise<number | null> {
    await showTab(page, 'Measurements');
    const v = await page.locator(`tr[data-measure-id="${id}"] td.value`).getAttribute('data-value', { timeout: 2000 }).catch(() => null);
    return v === null ? null : Number(v);
  }

  async function importTiming(fileName: string): Promise<number> {
    return waitFor(`import timing of ${fileName}`, () =>
      page.evaluate((f) => window.__medsapiensPerf?.imports.find((i) => i.fileName === f && i.landmarksDrawnMs !== null)?.landmarksDrawnMs ?? null, fileName),
    );
  }

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    ensureRendererBuilt();
    srv = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(srv.pageUrl);
  });

  after(async () => {
    console.log(`e2e figures: ${JSON.stringify(figures, null, 2)}`);
    await browser?.close();
    await srv?.close();
  });

  test('the page takes the token out of the address bar and talks to the server', { timeout: SLOW }, async () => {
    await page.getByText('Import files…').waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token must not stay in the URL');
    await page.locator('.status-bar').getByText(/v\d+\.\d+/).waitFor();
    // the server loads the model at start: the status bar names where it runs, without an import
    // said plainly, the details on hover
    await page.locator('[data-testid="provider"]').getByText(/^Model runs on the (CPU|GPU \(\w+\))$/).waitFor({ timeout: 60_000 });
    figures.provider = await page.locator('[data-testid="provider"]').getAttribute('title');
    assert.match(figures.provider as string, /medsapiens-ceph19 .* on /);
  });

  test('an ISBI image imports through the file dialog and shows 19 landmarks where the model put them', { timeout: SLOW }, async () => {
    await page.getByTestId('file-input').setInputFiles(ISBI_IMAGE);
    const imageId = await openCaseId();
    const detail = await waitForDrawnCase(imageId, ISBI_LANDMARKS.length);
    assert.ok(detail.landmarks?.modelName, 'the set names its model');
    figures.isbiImportToLandmarksMs = Math.round(await importTiming('151.jpg'));
    // the flagged ones carry the review ring, and only they do
    const low = detail.landmarks!.points.filter((p) => p.flagged && !p.accepted && p.source === 'model').map((p) => p.landmarkId).sort();
    const ringed = (await page.$$eval('circle[data-id^="review:"]', (els) => els.map((e) => e.getAttribute('data-id')!.slice('review:'.length)))).sort();
    assert.deepEqual(ringed, low);
    await shot('01-isbi-imported');
  });

  test('dragging a landmark updates the measurement live, stores the drop, and undo/redo work', { timeout: SLOW }, async () => {
    const imageId = await openCaseId();
    const before = (await api('cases.get', { imageId })).landmarks!;
    const original = before.points.find((p) => p.landmarkId === 'subspinale')!;
    const sna0 = await waitFor('SNA shown', () => measureValue('sna'));
    await page.evaluate(() => window.__medsapiensPerf!.clear());
    // the analysis's lines are drawn over the image (on by default): N-A ends at A
    const naEnd = async () =>
      page.evaluate(() => {
        const l = document.querySelector('[data-testid="analysis-lines"] g[data-line="na"] line');
        if (!l) return null;
        const x2 = Number(l.getAttribute('x2'));
        const y2 = Number(l.getAttribute('y2'));
        const box = l.ownerSVGElement!.getBoundingClientRect();
        return window.__medsapiensViewer!.clientToImage(box.x + x2, box.y + y2);
      });
    const na0 = await waitFor('the N-A line drawn', naEnd);
    assert.ok(Math.hypot(na0.x - original.x, na0.y - original.y) < 2, `N-A ends at ${JSON.stringify(na0)}, A is at ${original.x},${original.y}`);

    const start = (await drawnLandmarks()).get('subspinale')!;
    await page.mouse.move(start.clientX, start.clientY);
    await page.mouse.down();
    const steps = 24;
    for (let i = 1; i <= steps; i++) {
      await page.mouse.move(start.clientX + (i * 36) / steps, start.clientY + (i * 12) / steps);
      if (i === steps / 2) {
        // the line follows the point being dragged
        const naMid = await naEnd();
        assert.ok(naMid && Math.hypot(naMid.x - na0.x, naMid.y - na0.y) > 3, `N-A did not follow the drag (${JSON.stringify(naMid)})`);
        // mid-drag, nothing dropped yet: the panel already follows the mouse
        const live = await measureValue('sna');
        assert.ok(live !== null && Math.abs(live - sna0) > 0.05, `SNA did not change while dragging (${sna0} -> ${live})`);
        const stored = (await api('cases.get', { imageId })).landmarks!.points.find((p) => p.landmarkId === 'subspinale')!;
        assert.deepEqual([stored.x, stored.y], [original.x, original.y], 'nothing is stored before the drop');
      }
    }
    await page.mouse.up();
    // the point keeps its offset from where it was grabbed: it moves by exactly the mouse's travel
    const [grab, drop] = await page.evaluate(
      ([x, y]) => [window.__medsapiensViewer!.clientToImage(x, y)!, window.__medsapiensViewer!.clientToImage(x + 36, y + 12)!],
      [start.clientX, start.clientY],
    );
    const dropped = { x: original.x + drop.x - grab.x, y: original.y + drop.y - grab.y };

    const moved = await waitFor('the drop stored', async () => {
      const p = (await api('cases.get', { imageId })).landmarks!.points.find((q) => q.landmarkId === 'subspinale')!;
      return p.x !== original.x || p.y !== original.y ? p : null;
    });
    assert.ok(Math.hypot(moved.x - dropped.x, moved.y - dropped.y) < 1.5, `stored ${moved.x},${moved.y} but dropped at ${dropped.x},${dropped.y}`);
    const sna1 = await waitFor('SNA after the drop', async () => {
      const v = await measureValue('sna');
      return v !== null && Math.abs(v - sna0) > 0.05 ? v : null;
    });
    const updates = await page.evaluate(() => [...window.__medsapiensPerf!.measurementUpdateMs]);
    assert.ok(updates.length >= steps / 2, `only ${updates.length} live measurement updates for ${steps} mouse moves`);
    const sorted = [...updates].sort((a, b) => a - b);
    const stats = {
      count: updates.length,
      median: +sorted[Math.floor(sorted.length / 2)].toFixed(2),
      p95: +sorted[Math.floor(sorted.length * 0.95)].toFixed(2),
      max: +sorted[sorted.length - 1].toFixed(2),
    };
    figures.measurementUpdateMs = stats;
    figures.snaDeg = { before: sna0, afterDrag: sna1 };
    // the target is one frame at 60 Hz; the median is asserted, the tail only reported (this
    // machine shares its two cores with model training)
    assert.ok(stats.median < 16, `median measurement update ${stats.median} ms`);
    const lineUpdates = await page.evaluate(() => [...window.__medsapiensPerf!.linesUpdateMs].sort((a, b) => a - b));
    assert.ok(lineUpdates.length >= steps / 2, `only ${lineUpdates.length} line updates for ${steps} mouse moves`);
    const lineStats = { count: lineUpdates.length, median: +lineUpdates[Math.floor(lineUpdates.length / 2)].toFixed(2), p95: +lineUpdates[Math.floor(lineUpdates.length * 0.95)].toFixed(2), max: +lineUpdates[lineUpdates.length - 1].toFixed(2) };
    figures.linesUpdateMs = lineStats;
    assert.ok(lineStats.median < 16, `median line update ${lineStats.median} ms`);
    await shot('02-dragged');
    // the toggle hides the lines and brings them back
    await page.getByTestId('toggle-lines').click();
    await waitFor('lines hidden', async () => (await page.locator('[data-testid="analysis-lines"]').count()) === 0);
    await page.getByTestId('toggle-lines').click();
    await waitFor('lines back', async () => (await page.locator('[data-testid="analysis-lines"] g[data-line="sn"]').count()) === 1);

    // Ctrl+Z: back to the model's point, on the server and on screen
    await page.keyboard.press('Control+z');
    await waitFor('undo stored', async () => {
      const p = (await api('cases.get', { imageId })).landmarks!.points.find((q) => q.landmarkId === 'subspinale')!;
      return p.x === original.x && p.y === original.y;
    });
    await waitFor('SNA restored', async () => (await measureValue('sna')) === sna0);
    await waitForDrawnCase(imageId, ISBI_LANDMARKS.length);

    // Ctrl+Shift+Z: moved again
    await page.keyboard.press('Control+Shift+Z');
    await waitFor('redo stored', async () => {
      const p = (await api('cases.get', { imageId })).landmarks!.points.find((q) => q.landmarkId === 'subspinale')!;
      return p.x === moved.x && p.y === moved.y;
    });
    await waitFor('SNA redone', async () => (await measureValue('sna')) === sna1);
  });

  test('viewer tools: window/level drag, invert, wheel zoom, pan, fit', { timeout: SLOW }, async () => {
    const canvas = page.locator('[data-testid="viewport"] canvas').first();
    const box = (await canvas.boundingBox())!;
    const centre = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
    // what is on screen at a client position (grey level of the drawn canvas)
    const grey = (x: number, y: number) =>
      page.evaluate(
        ([cx, cy]) => {
          const c = document.querySelector('[data-testid="viewport"] canvas') as HTMLCanvasElement;
          const r = c.getBoundingClientRect();
          const ctx = c.getContext('2d');
          if (!ctx) throw new Error('the viewport canvas has no 2d context');
          const k = c.width / r.width;
          return ctx.getImageData(Math.round((cx - r.left) * k), Math.round((cy - r.top) * k), 1, 1).data[0];
        },
        [x, y],
      );
    const imageAt = (x: number, y: number) => page.evaluate(([cx, cy]) => window.__medsapiensViewer!.clientToImage(cx, cy)!, [x, y]);
    // a spot on the skull, away from landmarks: mid-grey, so both W/L directions show
    const spot = await page.evaluate(() => window.__medsapiensViewer!.imageToClient({ x: 700, y: 700 })!);
    const sx = Math.round(spot.x);
    const sy = Math.round(spot.y);
    const g0 = await grey(sx, sy);

    await page.getByRole('button', { name: 'Invert' }).click();
    await waitFor('inverted pixels', async () => Math.abs((await grey(sx, sy)) - (255 - g0)) <= 3);
    await page.getByRole('button', { name: 'Invert' }).click();
    await waitFor('inversion undone', async () => Math.abs((await grey(sx, sy)) - g0) <= 3);

    // W/L: drag with the left button in the W/L mode
    await page.getByRole('button', { name: 'W/L', exact: true }).click();
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    await page.mouse.move(sx + 60, sy + 80, { steps: 6 });
    await page.mouse.up();
    await waitFor('window/level changed the display', async () => Math.abs((await grey(sx, sy)) - g0) > 8);
    await page.getByRole('button', { name: 'Reset W/L' }).click();
    await waitFor('window/level reset', async () => Math.abs((await grey(sx, sy)) - g0) <= 3);

    // zoom with the wheel: one screen pixel covers fewer image pixels
    const span = async () => {
      const a = await imageAt(centre.x, centre.y);
      const b = await imageAt(centre.x + 100, centre.y);
      return b.x - a.x;
    };
    const s0 = await span();
    await page.mouse.move(centre.x, centre.y);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -100); // six notches
    const s1 = await waitFor('zoomed in', async () => {
      const s = await span();
      return s < s0 * 0.9 ? s : null;
    });
    // pan with the Pan tool
    await page.getByRole('button', { name: 'Pan', exact: true }).click();
    const before = await imageAt(centre.x, centre.y);
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down();
    await page.mouse.move(centre.x + 80, centre.y, { steps: 5 });
    await page.mouse.up();
    const after = await imageAt(centre.x, centre.y);
    assert.ok(after.x < before.x - 10, `pan moved the image (${before.x} -> ${after.x})`);
    await page.getByRole('button', { name: 'W/L', exact: true }).click();
    // fit: back to the whole image
    await page.getByRole('button', { name: 'Fit' }).click();
    await waitFor('fitted again', async () => Math.abs((await span()) - s0) < 0.5);
    figures.zoomSpanImagePxPer100ScreenPx = { fit: +s0.toFixed(1), zoomed: +s1.toFixed(1) };
    await waitForDrawnCase(await openCaseId(), ISBI_LANDMARKS.length);
  });

  test('a reload keeps the case, the edit and its undo history', { timeout: SLOW }, async () => {
    const imageId = await openCaseId();
    const stored = (await api('cases.get', { imageId })).landmarks!;
    await page.reload();
    const detail = await waitForDrawnCase(imageId, ISBI_LANDMARKS.length);
    assert.deepEqual(detail.landmarks!.points, stored.points);
    assert.equal(await page.getByTestId('undo').isEnabled(), true, 'undo history survives the reload');
    await page.getByTestId('undo').click();
    const original = await waitFor('undo after reload', async () => {
      const set = (await api('cases.get', { imageId })).landmarks!;
      return set.canRedo ? set : null;
    });
    await waitForDrawnCase(imageId, ISBI_LANDMARKS.length);
    assert.notDeepEqual(original.points, stored.points);
    await shot('03-reloaded-undone');
  });

  test('a ruler calibrates the image and a manual landmark is placed by hand', { timeout: SLOW }, async () => {
    const imageId = await openCaseId();
    // whole screen pixels: what a mouse event carries, so the test knows exactly where it clicked
    const toClient = async (p: { x: number; y: number }) => {
      const c = await page.evaluate((q) => window.__medsapiensViewer!.imageToClient(q)!, p);
      return { x: Math.round(c.x), y: Math.round(c.y) };
    };
    // a click that opens a panel or a hint can resize the viewport and refit the image: wait until
    // the image-to-screen mapping stops changing before clicking on image positions
    const settledToClient = async (pts: { x: number; y: number }[]) => {
      let prev = await Promise.all(pts.map(toClient));
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const cur = await Promise.all(pts.map(toClient));
        const same = cur.every((c, k) => c.x === prev[k].x && c.y === prev[k].y);
        prev = cur;
        if (same) break;
      }
      return prev;
    };
    await showTab(page, 'Measurements');
    assert.equal(await page.locator('tr[data-measure-id="u1_na_mm"]').getAttribute('data-status'), 'uncalibrated');

    // two clicks on a known length, then its length in mm
    await page.getByRole('button', { name: 'Set a ruler' }).click();
    const [a, b] = await settledToClient([{ x: 1750, y: 600 }, { x: 1750, y: 1100 }]);
    await page.mouse.click(a.x, a.y);
    await page.mouse.move(b.x, b.y, { steps: 8 });
    await page.mouse.click(b.x, b.y);
    // the draft is a length in pixels until it is saved: the image has no spacing yet
    const labels = () => page.locator('[data-testid="viewport"] svg text').allTextContents();
    await waitFor('the draft labelled in px', async () => (await labels()).some((t) => /^\d+ px$/.test(t.trim())));
    assert.ok(!(await labels()).some((t) => /mm$/.test(t.trim())), `an uncalibrated draft labelled in mm: ${(await labels()).join(' | ')}`);
    await page.getByLabel('Ruler length in mm').fill('50');
    await page.getByRole('button', { name: 'Save ruler' }).click();
    const calibrated = await waitFor('the ruler stored', async () => (await api('cases.get', { imageId })).ruler);
    const px = Math.hypot(calibrated.p2.x - calibrated.p1.x, calibrated.p2.y - calibrated.p1.y);
    assert.ok(Math.abs(px - 500) < 6, `ruler drawn over ${px.toFixed(1)} px, meant 500`);
    assert.ok(Math.abs(calibrated.mmPerPixel - 50 / px) < 1e-9);
    await page.getByTestId('spacing').getByText(/ruler: 50 mm/).waitFor();
    await waitFor('a linear measure once calibrated', async () => (await page.locator('tr[data-measure-id="u1_na_mm"]').getAttribute('data-status')) === 'ok');
    // the image was reloaded at the new spacing: the landmarks must still sit on their points
    await waitForDrawnCase(imageId, ISBI_LANDMARKS.length);

    // a landmark the model does not predict: pick it, click on the image
    assert.equal(await page.locator('tr[data-measure-id="u1_na_deg"]').getAttribute('data-status'), 'missing');
    await showTab(page, 'Landmarks');
    await page.locator('tr[data-landmark-id="upper_incisor_apex"]').getByRole('button', { name: 'Place' }).click();
    const [apex] = await settledToClient([{ x: 1290, y: 1530 }]);
    const clicked = (await page.evaluate(([x, y]) => window.__medsapiensViewer!.clientToImage(x, y)!, [apex.x, apex.y]))!;
    await page.mouse.click(apex.x, apex.y);
    const placed = await waitFor('the placed landmark stored', async () => (await api('cases.get', { imageId })).landmarks!.points.find((p) => p.landmarkId === 'upper_incisor_apex'));
    assert.equal(placed.source, 'hand');
    assert.ok(Math.hypot(placed.x - clicked.x, placed.y - clicked.y) <= POSITION_TOLERANCE_PX, `placed at ${placed.x},${placed.y}, clicked ${clicked.x},${clicked.y}`);
    await showTab(page, 'Measurements');
    await waitFor('the measure that needed it', async () => (await page.locator('tr[data-measure-id="u1_na_deg"]').getAttribute('data-status')) === 'ok');
    await waitForDrawnCase(imageId, ISBI_LANDMARKS.length + 1);

    // placing it again moves it (the server keeps one point per landmark, and so does the overlay)
    await showTab(page, 'Landmarks');
    await page.locator('tr[data-landmark-id="upper_incisor_apex"]').getByRole('button', { name: 'Re-place' }).click();
    const [again] = await settledToClient([{ x: 1300, y: 1480 }]);
    await page.mouse.click(again.x, again.y);
    await waitFor('the landmark re-placed', async () => {
      const p = (await api('cases.get', { imageId })).landmarks!.points.find((q) => q.landmarkId === 'upper_incisor_apex')!;
      return Math.hypot(p.x - 1300, p.y - 1480) <= POSITION_TOLERANCE_PX;
    });
    await waitForDrawnCase(imageId, ISBI_LANDMARKS.length + 1);
    assert.equal(await page.locator('circle[data-id="landmark:upper_incisor_apex"]').count(), 1);
    await shot('04-ruler-and-placed');
  });

  test('a DICOM imports, shows its pixel spacing and its 19 landmarks', { timeout: SLOW }, async () => {
    const previous = await openCaseId();
    await page.getByTestId('file-input').setInputFiles(DICOM);
    const imageId = await waitFor('the DICOM opened', async () => {
      const id = await openCaseId();
      return id !== previous ? id : null;
    });
    const detail = await waitForDrawnCase(imageId, ISBI_LANDMARKS.length);
    figures.dicomImportToLandmarksMs = Math.round(await importTiming(path.basename(DICOM)));
    assert.ok(detail.spacing, 'the DICOM has PixelSpacing');
    await showTab(page, 'Measurements');
    await page.getByTestId('spacing').getByText(`${detail.spacing.colMm.toPrecision(3)} mm/px`).waitFor();
    await shot('05-dicom-imported');
  });

  test('bad files say clearly what is wrong (dialog, drag-and-drop, folder)', { timeout: SLOW }, async () => {
    // a real DICOM without Rows, through the file dialog
    await page.getByTestId('file-input').setInputFiles(BROKEN_DICOM);
    const broken = page.locator('.import-errors li').filter({ hasText: path.basename(BROKEN_DICOM) });
    await broken.waitFor({ timeout: 60_000 });
    assert.match((await broken.getAttribute('data-code')) ?? '', /^(missing_element|corrupt)$/);

    // a text file named x.dcm, dropped on the window
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['this is not an X-ray\n'], 'x.dcm', { type: 'application/dicom' }));
      document.querySelector('.app')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    const text = page.locator('.import-errors li').filter({ hasText: 'x.dcm' });
    await text.waitFor({ timeout: 60_000 });
    const code = (await text.getAttribute('data-code')) ?? '';
    assert.match(code, /^(not_an_image|corrupt|missing_element)$/);
    assert.match((await text.textContent()) ?? '', new RegExp(`${code} — .{10,}`), 'the message explains the code');
    await shot('06-bad-file');

    // a folder with one good and one bad file, through the folder dialog, with its report
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'medsapiens-folder-'));
    fs.copyFileSync(SMALL_DICOM, path.join(folder, 'small.dcm'));
    fs.writeFileSync(path.join(folder, 'notes.dcm'), 'not an image');
    await page.getByTestId('folder-input').setInputFiles(folder);
    await page.locator('.import-summary').getByText('1 imported, 1 failed').waitFor({ timeout: 90_000 });
    await page.locator('.import-errors li').filter({ hasText: 'notes.dcm' }).waitFor();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('search finds cases; report export downloads or explains why not', { timeout: SLOW }, async () => {
    // the list shows exactly what cases.list answers for the same text
    const all = await api('cases.list', {});
    const dicom = all.find((c) => c.patientName || c.patientId);
    assert.ok(dicom, 'the imported DICOM carries a patient name or ID');
    const term = (dicom.patientName ?? dicom.patientId ?? '').split(/[\s^]+/)[0];
    const expected = (await api('cases.list', { search: term })).map((c) => c.imageId).sort();
    assert.ok(expected.length >= 1 && expected.length < all.length, `search '${term}' should narrow the list`);
    await page.getByLabel('Search cases').fill(term);
    await waitFor(`the list filtered by '${term}'`, async () => {
      const shown = (await page.$$eval('button.case', (els) => els.map((e) => Number(e.getAttribute('data-image-id'))))).sort();
      return JSON.stringify(shown) === JSON.stringify(expected);
    });
    await page.getByLabel('Search cases').fill('');
    await waitFor('all cases listed again', async () => (await page.locator('button.case').count()) === all.length);

    const download = page.waitForEvent('download', { timeout: 30_000 }).catch(() => null);
    await showTab(page, 'Measurements');
    await page.getByTestId('export-report').click();
    const outcome = await Promise.race([download.then((d) => (d ? `downloaded ${d.suggestedFilename()}` : null)), page.locator('.panel[aria-label="Report"] .error').textContent({ timeout: 30_000 })]);
    assert.ok(outcome, 'the export either downloads a file or shows an error');
    figures.reportExport = outcome;
    await shot('07-report');
  });

  test('the edit history brings back any earlier state, down to the model output, and that is undoable', { timeout: SLOW }, async () => {
    const isbi = (await api('cases.list', {})).find((c) => c.fileName === '151.jpg')!;
    await page.locator(`button.case[data-image-id="${isbi.imageId}"]`).click();
    const edited = await waitFor('the edited case open', async () => {
      const d = await api('cases.get', { imageId: isbi.imageId });
      return Number(await page.evaluate(() => sessionStorage.getItem('medsapiens.openCase'))) === isbi.imageId && d;
    });
    assert.ok(edited.landmarks!.points.some((p) => p.source === 'hand'), 'the case carries edits from the tests before');
    const log = await api('landmarks.history', { setId: edited.landmarks!.setId });
    await showTab(page, 'Landmarks');
    const history = page.getByTestId('edit-history');
    await history.locator('summary').click();
    await history.locator('summary').getByText(`Edit history (${log.length})`).waitFor({ timeout: 10_000 });
    assert.equal(await history.locator('li[data-edit-id]').count(), Math.min(log.length, 40) + 1);

    // the model output: every landmark back where the model put it, manual ones gone
    await history.locator('li[data-edit-id="model"] button').click();
    const restored = await waitFor('the model output restored', async () => {
      const d = await api('cases.get', { imageId: isbi.imageId });
      return d.landmarks!.points.every((p) => p.source === 'model') && d;
    });
    assert.equal(restored.landmarks!.points.length, ISBI_LANDMARKS.length);
    await waitForDrawnCase(isbi.imageId, ISBI_LANDMARKS.length);
    await shot('08-history-restored');

    // the restore is an edit like any other: Ctrl+Z brings the corrected state back
    await page.keyboard.press('Control+z');
    const back = await waitFor('the restore undone', async () => {
      const d = await api('cases.get', { imageId: isbi.imageId });
      return d.landmarks!.points.some((p) => p.source === 'hand') && d;
    });
    assert.deepEqual(back.landmarks!.points, edited.landmarks!.points);

    // an earlier entry: the state right after the oldest edit (a drag of subspinale)
    const oldest = log[0];
    const logged = (await api('landmarks.history', { setId: edited.landmarks!.setId })).length;
    await history.locator(`li[data-edit-id="${oldest.editId}"] button`).click();
    await waitFor('the state after the oldest edit', async () => {
      const d = await api('cases.get', { imageId: isbi.imageId });
      const h = await api('landmarks.history', { setId: edited.landmarks!.setId });
      const moved = d.landmarks!.points.filter((p) => p.source === 'hand').map((p) => p.landmarkId);
      return h.length > logged && JSON.stringify(moved) === JSON.stringify([oldest.landmarkId]);
    });
    await page.keyboard.press('Control+z');
    await waitFor('back to the corrected state', async () => JSON.stringify((await api('cases.get', { imageId: isbi.imageId })).landmarks!.points) === JSON.stringify(edited.landmarks!.points));
  });

  test('the safety net: a mirrored film is straightened and said, flagged points reviewed by keyboard, a chest film refused until traced anyway', { timeout: SLOW * 2 }, async () => {
    // hamedan-dev 071 (another centre's machine) saved losslessly as it is and mirrored: turned
    // back, the model sees exactly the original pixels
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medsapiens-mirrored-'));
    const source = path.join(SHARED, 'hamedan-dev/images/071.tif');
    const mirrored = path.join(dir, 'facing-left.png');
    const plain = path.join(dir, 'facing-right.png');
    const sharp = (await import('sharp')).default;
    await sharp(source).flop().png().toFile(mirrored);
    await sharp(source).png().toFile(plain);
    try {
      const [imported] = await api('images.importPaths', { paths: [plain], detect: true });
      assert.ok(imported.ok, 'the unmirrored copy imports');
      const reference = (await api('cases.get', { imageId: imported.imageId! })).landmarks!.points;
      await page.getByTestId('file-input').setInputFiles(mirrored);
      const imageId = await waitFor('the mirrored image open', async () => (await api('cases.list', {})).find((c) => c.fileName === 'facing-left.png')?.imageId);
      const first = await waitForDrawnCase(imageId, ISBI_LANDMARKS.length);
      // found without being asked, said at the top of the case, and traced as the original
      const o = first.landmarks!.check!.orientation;
      assert.deepEqual([o.mirrored, o.rotation, o.inverted, o.source], [true, 0, false, 'auto']);
      await page.getByTestId('orientation-said').getByText('mirrored: the profile faces left').waitFor();
      for (const p of first.landmarks!.points) {
        const r = reference.find((q) => q.landmarkId === p.landmarkId)!;
        const err = Math.hypot(p.x - (first.width - 1 - r.x), p.y - r.y);
        assert.ok(err < 0.01, `${p.landmarkId}: (${p.x.toFixed(2)}, ${p.y.toFixed(2)}) is not the mirror of (${r.x.toFixed(2)}, ${r.y.toFixed(2)})`);
      }
      // each point's radius, not a percentage (a PNG has no spacing: pixels)
      await showTab(page, 'Landmarks');
      const sella = (await page.locator('tr[data-landmark-id="sella"] td.uncertainty').textContent()) ?? '';
      assert.match(sella, /^± \d+ px$/);
      await shot('09-mirrored-straightened');

      // measures computed from a flagged point not yet reviewed are marked, and only they
      const flagged = first.landmarks!.points.filter((p) => p.flagged && !p.accepted).map((p) => p.landmarkId);
      assert.ok(flagged.length >= 2, `hamedan-dev 071 has ${flagged.length} flagged points`);
      const { ANALYSES } = await import('../../src-shared/ceph/index.js');
      // (a measure that also needs a point the model does not place, or in mm on this uncalibrated
      // image, has no value to mark)
      const traced = new Set(first.landmarks!.points.map((p) => p.landmarkId));
      const steiner = ANALYSES.steiner.measures
        .filter((m) => m.unit !== 'mm' && m.needs.every((id) => traced.has(id)) && m.needs.some((id) => flagged.includes(id)))
        .map((m) => m.id)
        .sort();
      await waitFor('the Steiner table', () => measureValue('sna'));
      await showTab(page, 'Measurements');
      const marked = (await page.$$eval('tr[data-unreviewed]', (els) => els.map((e) => e.getAttribute('data-measure-id')!))).sort();
      assert.deepEqual(marked, steiner);

      // review mode: the flagged points one by one, centred, with the keyboard
      await page.getByTestId('to-review').getByText(`${flagged.length} flagged points to review`).waitFor();
      await page.getByTestId('start-review').click();
      const bar = page.getByTestId('review-bar');
      await bar.waitFor();
      const order = first.landmarks!.points.filter((p) => flagged.includes(p.landmarkId)).map((p) => p.landmarkId);
      assert.equal(await bar.getAttribute('data-landmark-id'), order[0]);
      const centre = await page.getByTestId('viewport').boundingBox();
      await waitFor('the first flagged point centred', async () => {
        const c = await page.evaluate((p) => window.__medsapiensViewer?.imageToClient(p) ?? null, first.landmarks!.points.find((p) => p.landmarkId === order[0])!);
        return c && Math.abs(c.x - (centre!.x + centre!.width / 2)) < 3 && Math.abs(c.y - (centre!.y + centre!.height / 2)) < 3;
      });
      await shot('10-review-mode');
      await page.keyboard.press('ArrowRight');
      await waitFor('the next flagged point', async () => (await bar.getAttribute('data-landmark-id')) === order[1]);
      await page.keyboard.press('a');
      await waitFor('accepted on the server', async () => (await api('cases.get', { imageId })).landmarks!.points.find((p) => p.landmarkId === order[1])!.accepted);
      // the bar moves on to what is left: those after it, then back to the first
      for (const next of [...order.slice(2), order[0]]) {
        await waitFor(`the bar on ${next}`, async () => (await bar.getAttribute('data-landmark-id')) === next);
        await page.keyboard.press('a');
        await waitFor(`${next} accepted`, async () => (await api('cases.get', { imageId })).landmarks!.points.find((p) => p.landmarkId === next)!.accepted);
      }
      assert.equal((await api('cases.list', {})).find((c) => c.imageId === imageId)!.toReview, 0);
      await bar.waitFor({ state: 'hidden' });
      await page.getByTestId('mark-reviewed').click();
      await page.locator(`button.case[data-image-id="${imageId}"] [data-review-state="reviewed"]`).waitFor();
      assert.equal(await page.locator('tr[data-unreviewed]').count(), 0);

      // the user's word on the orientation, and back to the check's
      await page.getByLabel('How the film is stored').selectOption('r0');
      await waitFor('traced again as stored', async () => (await api('cases.get', { imageId })).orientationOverride?.mirrored === false);
      await page.getByTestId('orientation-line').getByText('Orientation set by hand:').waitFor();
      await page.getByLabel('How the film is stored').selectOption('auto');
      const auto = await waitFor('the check decides again', async () => {
        const d = await api('cases.get', { imageId });
        return d.orientationOverride === null && d.landmarks!.check!.orientation.mirrored && d;
      });
      assert.equal(auto.landmarks!.check!.orientation.source, 'auto');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // a chest film: refused, no measurements, until traced anyway
    await page.getByTestId('file-input').setInputFiles(path.join(SHARED, 'dicom/dx-chest-j2k-lossless.dcm'));
    const chestId = await waitFor('the chest film open', async () => (await api('cases.list', {})).find((c) => c.fileName === 'dx-chest-j2k-lossless.dcm' && c.reviewState === 'refused')?.imageId);
    await waitFor('the chest film shown', async () => (await openCaseId()) === chestId);
    await page.getByTestId('verdict').getByText('This image does not look like a lateral cephalogram.').waitFor();
    await page.getByTestId('measurements-withheld').waitFor();
    await shot('11-not-a-cephalogram');
    await page.getByTestId('trace-anyway').click();
    await waitFor('measured anyway', () => measureValue('sna'));
    assert.equal((await api('cases.get', { imageId: chestId })).traceAnyway, true);

    // the reviewed case counts as the clinic's data; fewer than five: no adapting yet
    const clinic = await api('clinic.status', {});
    assert.ok(clinic.correctedCases >= 1 && clinic.correctedCases < clinic.minCases, `${clinic.correctedCases} corrected cases`);
    await page.getByTestId('corrected-cases').getByText(`${clinic.correctedCases} corrected or reviewed case`).waitFor();
    assert.equal(await page.getByTestId('adapt').isDisabled(), true);
    // the deep level is offered beside it (PyTorch is installed here), disabled for the same reason
    assert.equal(await page.getByTestId('adapt-deep').isDisabled(), true);
    assert.equal(await page.getByTestId('deep-unavailable').count(), 0);
    await page.getByTestId('model-in-use').getByText('(as shipped)').waitFor();
    await shot('13-clinic-panel');
  });

  test('the watch folder is set in the app; an image written there appears in the case list with landmarks', { timeout: SLOW }, async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'medsapiens-watched-'));
    try {
      const panel = page.getByRole('region', { name: 'Watch folder' });
      const state = panel.getByTestId('watch-state');
      assert.equal(await state.getAttribute('data-watching'), 'false');
      // a path that is not a full path is refused, saying why
      await panel.getByLabel('Folder to watch').fill('incoming');
      await panel.getByRole('button', { name: 'Watch' }).click();
      await panel.getByTestId('watch-refusal').getByText(/bad_request: .*full path/).waitFor({ timeout: 10_000 });

      await panel.getByLabel('Folder to watch').fill(folder);
      await panel.getByRole('button', { name: 'Watch' }).click();
      await waitFor('the panel to say it watches the folder', async () => (await state.getAttribute('data-watching')) === 'true' && (await state.textContent())?.includes(folder));
      const before = (await api('cases.list', {})).length;
      // an image the session has not seen, written the way a device writes it: in pieces
      await writeInChunks(path.join(SHARED, 'isbi2015/images/160.jpg'), path.join(folder, 'ceph-160.jpg'), 4, 250);
      const listed = page.locator('button.case').filter({ hasText: 'ceph-160.jpg' });
      await listed.waitFor({ timeout: 60_000 });
      assert.equal(await page.locator('button.case').count(), before + 1);
      assert.doesNotMatch((await listed.textContent()) ?? '', /no landmarks/);
      await state.getByText(/1 imported/).waitFor({ timeout: 10_000 });
      await shot('10-watch-folder');

      await panel.getByRole('button', { name: 'Stop watching' }).click();
      await waitFor('the watch to stop', async () => (await state.getAttribute('data-watching')) === 'false');
      assert.deepEqual(await api('watch.status', {}), { folder: null, source: null, watching: false, done: 0, failed: 0, waiting: 0, error: null });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  test('without a token the page says how to open it; with the Electron bridge it needs none', { timeout: SLOW }, async () => {
    const bare = await browser.newPage();
    await bare.goto(`${srv.server.url}/`);
    await bare.getByRole('alert').getByText(/No access token/).waitFor();
    await bare.close();

    // a stand-in for the preload bridge (same names and envelopes as src-main/electron/preload.cts),
    // forwarding to this server: the renderer must pick it over the loopback client by itself
    const ipc = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    ipc.on('pageerror', (e) => pageErrors.push(`bridge page: ${e.message}`));
    // (a string, not a function: tsx decorates functions with helpers the page does not have)
    await ipc.addInitScript(`(() => {
      const token = ${JSON.stringify(srv.server.token)};
      const call = (name) => (req) =>
        fetch('/api/' + name, { method: 'POST', headers: { 'content-type': 'application/json', 'x-medsapiens-token': token }, body: JSON.stringify(req) }).then((r) => r.json());
      const bridge = Object.fromEntries(${JSON.stringify(Object.keys(API))}.map((n) => [n, call(n)]));
      bridge.pixels = async (imageId) => {
        const r = await fetch('/api/images/' + imageId + '/pixels', { headers: { 'x-medsapiens-token': token } });
        if (!r.ok) return r.json();
        return { ok: true, value: { width: Number(r.headers.get('x-image-width')), height: Number(r.headers.get('x-image-height')), pixels: new Uint8Array(await r.arrayBuffer()) } };
      };
      bridge.onProgress = () => () => undefined;
      window.medsapiens = Object.freeze(bridge);
    })();`);
    await ipc.goto(`${srv.server.url}/`);
    const isbi = (await api('cases.list', {})).find((c) => c.fileName === '151.jpg')!;
    await ipc.locator(`button.case[data-image-id="${isbi.imageId}"]`).click();
    await waitForDrawnCase(isbi.imageId, ISBI_LANDMARKS.length + 1, ipc);
    await ipc.screenshot({ path: path.join(ARTIFACTS, '11-electron-bridge.png') });
    await ipc.close();
  });

  test('a model that fails to load is named in the status bar, and images still import', { timeout: SLOW }, async () => {
    const broken = await startTestServer({ model: { cardPath: path.join(os.tmpdir(), 'no-such-model.card.json') } });
    const p = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    p.on('pageerror', (e) => pageErrors.push(`no-model page: ${e.message}`));
    try {
      await p.goto(broken.pageUrl);
      const msg = p.getByTestId('model-error');
      await msg.waitFor({ timeout: 30_000 });
      assert.match((await msg.textContent()) ?? '', /failed to load: .*no-such-model/);
      await p.getByTestId('file-input').setInputFiles(ISBI_IMAGE);
      await p.locator('.import-warnings li').getByText(/imported without landmarks/).waitFor({ timeout: 60_000 });
      await showTab(p, 'Landmarks');
      await p.getByRole('button', { name: 'Detect landmarks' }).waitFor();
      await p.screenshot({ path: path.join(ARTIFACTS, '12-model-failed.png') });
    } finally {
      await p.close();
      await broken.close();
    }
  });

  test('no uncaught errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
