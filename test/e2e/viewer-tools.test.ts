// Precise viewing in Chromium against the real services: the wheel zooms about the pointer at
// 1.2x a notch and a pinch finer, 1:1 and Fit with the zoom shown, the viewer's keys, the bone and
// soft-tissue windows (the soft-tissue profile measured on the rendered image at the senior
// annotator's lip and soft-tissue pogonion), the shortcut list.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { ISBI } from '../helpers/cli.js';
import { ensureRendererBuilt } from './helpers/build.js';
import { ARTIFACTS, launchChromium, NO_CHROMIUM, showTab, waitFor } from './helpers/browser.js';
import { startTestServer, type TestServer } from './helpers/server.js';

type Pt = { x: number; y: number };
const zoom = (page: Page) => page.evaluate(() => window.__medsapiensViewer!.zoom());
const toClient = (page: Page, p: Pt) => page.evaluate((q) => window.__medsapiensViewer!.imageToClient(q), p);

/** senior annotator's points of an ISBI film (1-based landmark numbers) */
function senior(id: string): Pt[] {
  const row = fs.readFileSync(path.join(ISBI, 'senior.csv'), 'utf8').split('\n').find((l) => l.startsWith(`${id},`))!.split(',').map(Number);
  return Array.from({ length: 19 }, (_, i) => ({ x: row[1 + 2 * i]!, y: row[2 + 2 * i]! }));
}

describe('viewer tools in Chromium', { skip: NO_CHROMIUM }, () => {
  let srv: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    ensureRendererBuilt();
    srv = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('wheel, pinch, 1:1, fit, keys, bone and soft-tissue windows, shortcut list', { timeout: 120_000 }, async (t) => {
    const [r] = await srv.app.handlers['images.importPaths']({ paths: [path.join(ISBI, 'images', '001.jpg')], detect: false });
    const id = (r as { imageId: number }).imageId;
    await page.goto(srv.pageUrl);
    await page.locator(`button.case[data-image-id="${id}"]`).click();
    const fit = await waitFor('the image shown', async () => (await zoom(page)) ?? null);
    assert.ok(fit > 0.1 && fit < 0.6, `fit zoom ${fit}`);
    assert.equal(await page.getByTestId('zoom-level').textContent(), `${Math.round(fit * 100)} %`);

    // one notch about the pointer: 1.2x, the image point under it stays put
    const vp = (await page.getByTestId('viewport').boundingBox())!;
    const at = { x: vp.x + vp.width * 0.3, y: vp.y + vp.height * 0.4 };
    const under = await page.evaluate((c) => window.__medsapiensViewer!.clientToImage(c.x, c.y), at);
    await page.mouse.move(at.x, at.y);
    await page.mouse.wheel(0, -100);
    const z1 = await waitFor('the wheel zoom', async () => ((await zoom(page))! > fit * 1.01 ? zoom(page) : null));
    assert.ok(Math.abs(z1! / fit - 1.2) < 0.01, `one notch: x${z1! / fit}`);
    const back = (await toClient(page, under!))!;
    assert.ok(Math.hypot(back.x - at.x, back.y - at.y) < 1, `the point under the pointer moved by ${Math.hypot(back.x - at.x, back.y - at.y)} px`);
    // a trackpad pinch: ctrl+wheel with a small delta, a small step
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -10);
    await page.keyboard.up('Control');
    const z2 = await waitFor('the pinch', async () => ((await zoom(page))! > z1! * 1.001 ? zoom(page) : null));
    assert.ok(z2! / z1! > 1.01 && z2! / z1! < 1.03, `pinch step x${z2! / z1!}`);

    // 1:1: an image pixel on a screen pixel; F fits again; + and - step
    await page.getByTestId('zoom-1to1').click();
    await waitFor('1:1', async () => (await page.getByTestId('zoom-level').textContent()) === '100 %');
    const a = (await toClient(page, { x: 900, y: 1000 }))!;
    const b = (await toClient(page, { x: 1000, y: 1000 }))!;
    assert.ok(Math.abs(b.x - a.x - 100) < 0.5, `100 image pixels are ${b.x - a.x} screen pixels at 1:1`);
    await page.keyboard.press('f');
    await waitFor('fit again', async () => Math.abs((await zoom(page))! - fit) < 1e-6);
    await page.keyboard.press('+');
    await waitFor('+ zooms in', async () => Math.abs((await zoom(page))! / fit - 1.25) < 0.01);
    await page.keyboard.press('f');

    // the keys of the common clinical viewers: P pan, W window, Space resets zoom, window and polarity
    await page.keyboard.press('p');
    assert.equal(await page.getByRole('button', { name: 'Pan', exact: true }).getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('w');
    assert.equal(await page.getByRole('button', { name: 'W/L', exact: true }).getAttribute('aria-pressed'), 'true');
    const fileWindow = (await page.evaluate(() => window.__medsapiensViewer!.voiRange()))!;
    await page.keyboard.press('+');
    await page.keyboard.press('b');
    await page.keyboard.press('i');
    await waitFor('zoomed, bone window, inverted', async () => Math.abs((await zoom(page))! / fit - 1.25) < 0.01 && (await page.evaluate(() => window.__medsapiensViewer!.inverted())) === true);
    await page.keyboard.press(' ');
    await waitFor('Space reset the view', async () => {
      const v = (await page.evaluate(() => window.__medsapiensViewer!.voiRange()))!;
      return Math.abs((await zoom(page))! - fit) < 1e-6 && v.lower === fileWindow.lower && v.upper === fileWindow.upper && (await page.evaluate(() => window.__medsapiensViewer!.inverted())) === false;
    });

    // the soft-tissue window: the profile stands out from the air in the rendered image
    const pts = senior('001');
    const profile = [pts[12]!, pts[13]!, pts[15]!]; // upper lip, lower lip, soft-tissue pogonion
    const contrast = async (name: string) => {
      await page.waitForTimeout(300);
      const shot = await page.getByTestId('viewport').screenshot({ path: path.join(ARTIFACTS, `viewer-window-${name}.png`) });
      const { data, info } = await sharp(shot).greyscale().raw().toBuffer({ resolveWithObject: true });
      const box = (await page.getByTestId('viewport').boundingBox())!;
      const scale = info.width / box.width;
      const mean = async (p: Pt, dx0: number, dx1: number) => {
        let sum = 0;
        let n = 0;
        for (let dx = dx0; dx <= dx1; dx += 4)
          for (let dy = -6; dy <= 6; dy += 3) {
            const c = (await toClient(page, { x: p.x + dx, y: p.y + dy }))!;
            const px = Math.round((c.x - box.x) * scale);
            const py = Math.round((c.y - box.y) * scale);
            sum += data[py * info.width + px]!;
            n++;
          }
        return sum / n;
      };
      let total = 0;
      for (const p of profile) total += (await mean(p, -60, -20)) - (await mean(p, 20, 60));
      return total / profile.length;
    };
    const own = await contrast('file');
    await page.getByTestId('preset-soft').click();
    const soft = await contrast('soft-tissue');
    t.diagnostic(`soft tissue against air: ${own.toFixed(1)} grey levels (file window), ${soft.toFixed(1)} (soft-tissue window)`);
    assert.ok(soft >= 60 && soft >= 2.5 * own, `soft tissue against air: ${own.toFixed(1)} grey levels in the file's window, ${soft.toFixed(1)} in the soft-tissue window`);
    const softRange = (await page.evaluate(() => window.__medsapiensViewer!.voiRange()))!;
    await page.keyboard.press('b');
    const bone = (await page.evaluate(() => window.__medsapiensViewer!.voiRange()))!;
    assert.ok(bone.lower > softRange.upper, `bone window ${JSON.stringify(bone)} above the soft-tissue one ${JSON.stringify(softRange)}`);
    await page.keyboard.press('o');
    await waitFor('the file window back', async () => {
      const v = await page.evaluate(() => window.__medsapiensViewer!.voiRange());
      return !!v && v.upper - v.lower > bone.upper - bone.lower;
    });

    // the shortcut list
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor();
    assert.match((await help.textContent()) ?? '', /soft-tissue/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-shortcuts.png') });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    assert.deepEqual(pageErrors, []);
  });
  test('navigation never edits: a W/L drag from a landmark leaves it; in Edit the hovered point names itself and moves', { timeout: 120_000 }, async () => {
    const [r] = await srv.app.handlers['images.importPaths']({ paths: [path.join(ISBI, 'images', '012.jpg')], detect: true });
    assert.ok(r?.ok, JSON.stringify(r));
    const id = (r as { imageId: number }).imageId;
    await page.reload(); // the page is open since the last test: the new case is listed after a reload
    await page.locator(`button.case[data-image-id="${id}"]`).click();
    await waitFor('the landmarks drawn', async () => (await page.locator('[data-testid="viewport"] svg [data-id^="landmark:"], [data-testid="viewport"] svg circle').count()) >= 19);
    // the labels avoid each other (the incisors, lips and chin crowd at fit zoom)
    const boxes = await page.$$eval('[data-testid="viewport"] svg text', (texts) =>
      texts.map((t) => {
        const r = t.getBoundingClientRect();
        return { text: t.textContent ?? '', x: r.x, y: r.y, w: r.width, h: r.height };
      }),
    );
    assert.ok(boxes.length >= 19, `${boxes.length} labels drawn`);
    const clashes: string[] = [];
    boxes.forEach((a, i) =>
      boxes.slice(i + 1).forEach((b) => {
        const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
        const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
        if (ox > 1 && oy > 1) clashes.push(`${a.text}/${b.text}`);
      }),
    );
    assert.deepEqual(clashes, [], 'labels drawn over each other');
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-labels.png') });
    const sella = () => srv.app.store.getCase(id).landmarks!.points.find((p) => p.landmarkId === 'sella')!;
    const s0 = sella();
    const at = (await toClient(page, { x: s0.x, y: s0.y }))!;
    assert.equal(await page.getByRole('button', { name: 'Edit', exact: true }).getAttribute('aria-pressed'), 'true', 'a case opens in the edit mode');

    // at 1366 x 768 nothing essential is below the fold: the tools, the analysis, every measure,
    // the report's Export, and (in its tab) every landmark of the model
    const fold = (await page.locator('.status-bar, footer').first().boundingBox())?.y ?? 768;
    const bottom = async (sel: string) => {
      const b = (await page.locator(sel).last().boundingBox())!;
      return b.y + b.height;
    };
    for (const sel of ['[data-testid="redo"]', 'select[aria-label="Analysis"]', 'table.measures tbody tr', '[data-testid="export-report"]']) {
      assert.ok((await bottom(sel)) <= fold, `${sel} ends at ${await bottom(sel)}, below the fold at ${fold}`);
    }
    await showTab(page, 'Landmarks');
    await page.screenshot({ path: path.join(ARTIFACTS, 'layout-1366x768-landmarks.png') });
    assert.ok((await bottom('tr[data-landmark-id="articulare"]')) <= fold, `the landmark list runs below the fold (${await bottom('tr[data-landmark-id="articulare"]')} > ${fold})`);
    await showTab(page, 'Measurements');

    // W/L mode: the same drag changes the window, not the point
    await page.keyboard.press('w');
    const before = await page.evaluate(() => window.__medsapiensViewer!.voiRange());
    await page.mouse.move(at.x, at.y);
    await page.mouse.down();
    await page.mouse.move(at.x + 40, at.y + 30, { steps: 6 });
    await page.mouse.up();
    await waitFor('the window changed', async () => JSON.stringify(await page.evaluate(() => window.__medsapiensViewer!.voiRange())) !== JSON.stringify(before));
    await page.waitForTimeout(500);
    assert.deepEqual([sella().x, sella().y], [s0.x, s0.y], 'a W/L drag moved sella');

    // Edit mode: hovering names the point in full; the drag moves it
    await page.keyboard.press('o');
    await page.keyboard.press('e');
    await page.mouse.move(at.x + 20, at.y + 20);
    await page.mouse.move(at.x, at.y, { steps: 3 });
    await waitFor('the full name on hover', async () => (await page.locator('[data-testid="viewport"] svg text', { hasText: 'S · Sella' }).count()) === 1);
    const cursor = () => page.getByTestId('viewport').evaluate((el) => (el as HTMLElement).style.cursor);
    assert.equal(await cursor(), 'grab', 'a hand over a landmark in Edit');
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-hover-name.png') });
    // the magnifier while dragging: beside the pointer, the film about the point from the image's
    // own pixels at 3x the view, in the view's window
    const magnifier = page.getByTestId('magnifier');
    assert.equal(await magnifier.isHidden(), true);
    await page.mouse.down();
    await page.mouse.move(at.x + 30, at.y + 10, { steps: 6 });
    await magnifier.waitFor({ state: 'visible' });
    const lens = await magnifier.evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const r = canvas.getBoundingClientRect();
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const grey = Array.from({ length: canvas.width * canvas.height }, (_, i) => px[i * 4]!);
      return { box: { x: r.x, y: r.y, w: r.width, h: r.height }, size: canvas.width, grey, scale: Number(canvas.dataset.scale), at: canvas.dataset.at!.split(',').map(Number) };
    });
    const pointer = { x: at.x + 30, y: at.y + 10 };
    assert.ok(pointer.x > lens.box.x + lens.box.w || pointer.y > lens.box.y + lens.box.h, 'the magnifier is not under the pointer');
    const viewZoom = (await zoom(page))!;
    assert.ok(Math.abs(lens.scale - Math.max(2, viewZoom * 3)) < 1e-9, `magnified ${lens.scale} screen px an image pixel at view zoom ${viewZoom}`);
    const live = (await page.evaluate((c) => window.__medsapiensViewer!.clientToImage(c.x, c.y), pointer))!;
    assert.ok(Math.hypot(lens.at[0]! - live.x, lens.at[1]! - live.y) < 2, `the magnifier shows ${lens.at} while the point is dragged to ${JSON.stringify(live)}`);
    // its pixels are the film's: sample a ring about the centre (off the cross) against the image
    const film = await srv.app.pixels(id);
    const win = (await page.evaluate(() => window.__medsapiensViewer!.voiRange()))!;
    const half = lens.size / 2;
    let worst = 0;
    for (const [u, v] of [[half - 30, half - 30], [half + 30, half - 25], [half - 20, half + 35], [half + 40, half + 40], [half, half - 50]] as const) {
      const x = Math.round(lens.at[0]! + (u + 0.5 - half) / lens.scale);
      const y = Math.round(lens.at[1]! + (v + 0.5 - half) / lens.scale);
      const want = Math.min(255, Math.max(0, ((film.pixels[y * film.width + x]! - win.lower) / (win.upper - win.lower)) * 255));
      worst = Math.max(worst, Math.abs(lens.grey[v * lens.size + u]! - want));
    }
    assert.ok(worst <= 1, `the magnifier's pixels differ from the film's by up to ${worst}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'viewer-magnifier.png') });
    await page.mouse.up();
    await waitFor('sella moved and stored', async () => sella().x > s0.x + 20);
    assert.equal(await magnifier.isHidden(), true, 'the magnifier goes with the drag');
    await page.mouse.move(at.x + 200, at.y + 150, { steps: 4 });
    assert.notEqual(await cursor(), 'grab', 'no hand away from the landmarks');

    // the list row selects a landmark and centres it; the arrows nudge it (Shift: 10 pixels)
    const dropped = sella();
    await showTab(page, 'Landmarks');
    await page.locator('tr[data-landmark-id="sella"]').click();
    assert.equal(await page.locator('tr[data-landmark-id="sella"]').getAttribute('aria-selected'), 'true');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await waitFor('the nudges stored', async () => Math.abs(sella().x - (dropped.x + 3)) < 1e-6 && Math.abs(sella().y - (dropped.y + 10)) < 1e-6, 20_000);
    assert.deepEqual(pageErrors, []);
  });
});
