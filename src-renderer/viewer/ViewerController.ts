// One stack viewport and its tools, set up on an element and torn down with it. The React
// component only forwards props here; all Cornerstone3D calls of the viewer live in this class.
import { Enums as CoreEnums, RenderingEngine, cache, eventTarget, imageLoader, type Types } from '@cornerstonejs/core';
import { Enums as ToolEnums, LengthTool, PanTool, ToolGroupManager, WindowLevelTool, ZoomTool, type Types as ToolTypes } from '@cornerstonejs/tools';
import type { LandmarkPoint } from '../../src-shared/api/contract.js';
import { worldToImage, imageToWorld, type ImagePoint } from './coords.js';
import { parseCornerstoneId, toCornerstoneId, type ImageRef } from './imageIds.js';
import { clearLandmarks, showLandmarks } from './landmarkAnnotations.js';
import { LANDMARK_TOOL_NAME, isLandmarkAnnotation, landmarkAnnotationsOn, type LandmarkToolConfig } from './LandmarkTool.js';
import { RULER_TOOL_NAME, isStoredRuler, removeDraftRulers, rulerEnds, showStoredRuler } from './ruler.js';

export type ViewerMode = { kind: 'adjust' } | { kind: 'pan' } | { kind: 'zoom' } | { kind: 'ruler' } | { kind: 'place'; landmarkId: string };

export interface ViewerCallbacks {
  onMoved(landmarkId: string, p: ImagePoint): void;
  onPlaced(landmarkId: string, p: ImagePoint): void;
  onRulerDrawn(p1: ImagePoint, p2: ImagePoint): void;
  /** a landmark's position changed under the mouse (before it is dropped) */
  onLiveMove(landmarkId: string, p: ImagePoint): void;
  onLandmarksDrawn(imageId: number, count: number): void;
}

let instances = 0;
const { MouseBindings } = ToolEnums;
const PRIMARY = [{ mouseButton: MouseBindings.Primary }];

export class ViewerController {
  readonly viewportId = 'main';
  private readonly engine: RenderingEngine;
  private readonly toolGroupId: string;
  private csImageId: string | null = null;
  private loading: Promise<void> = Promise.resolve();
  private readonly unlisten: Array<() => void> = [];

  constructor(
    private readonly element: HTMLDivElement,
    private readonly callbacks: ViewerCallbacks,
  ) {
    instances += 1;
    this.engine = new RenderingEngine(`medsapiens-${instances}`);
    this.toolGroupId = `medsapiens-tools-${instances}`;
    this.engine.enableElement({ viewportId: this.viewportId, type: CoreEnums.ViewportType.STACK, element, defaultOptions: { background: [0, 0, 0] } });
    // the browser menu would hide the zoom drag of the right button
    const noMenu = (e: Event) => e.preventDefault();
    element.addEventListener('contextmenu', noMenu);
    this.unlisten.push(() => element.removeEventListener('contextmenu', noMenu));

    const group = ToolGroupManager.createToolGroup(this.toolGroupId);
    if (!group) throw new Error('cannot create the viewer tool group');
    group.addTool(WindowLevelTool.toolName);
    group.addTool(PanTool.toolName);
    group.addTool(ZoomTool.toolName);
    group.addTool(LengthTool.toolName, {
      // world units are mm on a calibrated image and pixels on one without spacing (its plane says
      // 1 mm per pixel to Cornerstone): the label must not call pixels millimetres
      getTextLines: (data: { cachedStats?: Record<string, { length?: number }> }, targetId: string) => {
        const length = data.cachedStats?.[targetId]?.length;
        if (length === undefined || length === null || Number.isNaN(length)) return undefined;
        const calibrated = !!(this.csImageId && parseCornerstoneId(this.csImageId)?.spacing);
        return [calibrated ? `${length.toFixed(1)} mm` : `${length.toFixed(0)} px`];
      },
    });
    group.addTool(LANDMARK_TOOL_NAME, {
      onMoved: (id: string, p: ImagePoint) => this.callbacks.onMoved(id, p),
      onPlaced: (id: string, p: ImagePoint) => this.callbacks.onPlaced(id, p),
      placing: null,
      handleRadius: 6,
    } satisfies LandmarkToolConfig);
    group.addViewport(this.viewportId, this.engine.id);
    group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
    group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }, { mouseButton: MouseBindings.Wheel }] });
    group.setToolPassive(LANDMARK_TOOL_NAME);
    group.setToolPassive(LengthTool.toolName);
    this.setMode({ kind: 'adjust' });

    this.listen(eventTarget, ToolEnums.Events.ANNOTATION_MODIFIED, (evt) => {
      const a = (evt as CustomEvent<{ annotation: ToolTypes.Annotation }>).detail.annotation;
      if (isLandmarkAnnotation(a) && a.data.imagePoint && a.data.handles.activeHandleIndex !== null) this.callbacks.onLiveMove(a.data.landmarkId, a.data.imagePoint);
    });
    this.listen(eventTarget, ToolEnums.Events.ANNOTATION_COMPLETED, (evt) => {
      const a = (evt as CustomEvent<{ annotation: ToolTypes.Annotation }>).detail.annotation;
      if (a.metadata?.toolName !== RULER_TOOL_NAME || isStoredRuler(a)) return;
      const ends = rulerEnds(a);
      removeDraftRulers(this.viewport, a.annotationUID); // one draft at a time: the latest line
      if (ends) this.callbacks.onRulerDrawn(ends[0], ends[1]);
    });
    this.listen(element, ToolEnums.Events.ANNOTATION_RENDERED, () => {
      const ref = this.csImageId ? parseCornerstoneId(this.csImageId) : null;
      if (!ref) return;
      const count = landmarkAnnotationsOn(element).filter((a) => a.metadata?.referencedImageId === this.csImageId).length;
      if (count > 0) this.callbacks.onLandmarksDrawn(ref.imageId, count);
    });
  }

  private listen(target: EventTarget, type: string, fn: (evt: Event) => void): void {
    target.addEventListener(type, fn);
    this.unlisten.push(() => target.removeEventListener(type, fn));
  }

  private get viewport(): Types.IStackViewport | null {
    return (this.engine.getViewport(this.viewportId) as Types.IStackViewport | undefined) ?? null;
  }

  private get group() {
    return ToolGroupManager.getToolGroup(this.toolGroupId);
  }

  /** Loads the image unless it is already shown (same id and same spacing). */
  showImage(ref: ImageRef | null): Promise<void> {
    const id = ref ? toCornerstoneId(ref) : null;
    if (id === this.csImageId) return this.loading;
    this.csImageId = id;
    clearLandmarks();
    removeDraftRulers(null);
    const vp = this.viewport;
    if (!vp || !id) return (this.loading = Promise.resolve());
    this.loading = (async () => {
      // loaded first, outside the cache: the stack only logs a failed load (and the cache rethrows
      // it where no one listens), while the user must see why (a missing or changed file)
      if (!cache.getImageLoadObject(id)) {
        const image = await imageLoader.loadImage(id);
        if (!cache.getImageLoadObject(id)) await cache.putImageLoadObject(id, { promise: Promise.resolve(image) });
      }
      await vp.setStack([id], 0);
      vp.resetCamera();
      vp.render();
    })();
    // a failed load may be tried again (the file relinked): the id is not kept as shown
    this.loading.catch(() => {
      if (this.csImageId === id) this.csImageId = null;
    });
    return this.loading;
  }

  /** the image load, finished either way (a failure is reported to showImage's caller; after it
   *  no image is shown and drawing on it is skipped) */
  private settled(): Promise<void> {
    return this.loading.catch(() => undefined);
  }

  async showLandmarks(points: readonly LandmarkPoint[], mmPerPixel?: number): Promise<void> {
    await this.settled();
    const vp = this.viewport;
    if (vp && this.csImageId) showLandmarks(vp, this.csImageId, points, mmPerPixel);
  }

  /** Centres the view on an image point, `zoom` times the fitted size (review mode steps
   *  through flagged points this way). */
  async focus(p: ImagePoint, zoom: number): Promise<void> {
    await this.settled();
    const vp = this.viewport;
    if (!vp || !this.csImageId) return;
    vp.resetCamera();
    const world = imageToWorld(this.csImageId, p);
    const cam = vp.getCamera();
    const fp = cam.focalPoint!;
    const pos = cam.position!;
    const d = [world[0] - fp[0], world[1] - fp[1], world[2] - fp[2]];
    vp.setCamera({
      focalPoint: [world[0], world[1], world[2]],
      position: [pos[0] + d[0], pos[1] + d[1], pos[2] + d[2]],
      ...(cam.parallelScale ? { parallelScale: cam.parallelScale / zoom } : {}),
    });
    vp.render();
  }

  async showRuler(ruler: { p1: ImagePoint; p2: ImagePoint } | null): Promise<void> {
    await this.settled();
    const vp = this.viewport;
    if (vp && this.csImageId) showStoredRuler(vp, this.csImageId, ruler);
  }

  clearDraftRuler(): void {
    removeDraftRulers(this.viewport);
  }

  setMode(mode: ViewerMode): void {
    const group = this.group;
    if (!group) return;
    for (const name of [WindowLevelTool.toolName, PanTool.toolName, ZoomTool.toolName, LengthTool.toolName, LANDMARK_TOOL_NAME]) {
      if (group.getToolOptions(name)) group.setToolPassive(name);
    }
    group.setToolConfiguration(LANDMARK_TOOL_NAME, { placing: mode.kind === 'place' ? mode.landmarkId : null });
    const primary = { adjust: WindowLevelTool.toolName, pan: PanTool.toolName, zoom: ZoomTool.toolName, ruler: LengthTool.toolName, place: LANDMARK_TOOL_NAME }[mode.kind];
    group.setToolActive(primary, { bindings: PRIMARY });
    if (mode.kind !== 'ruler') this.clearDraftRuler();
  }

  invert(): void {
    const vp = this.viewport;
    if (!vp) return;
    vp.setProperties({ invert: !vp.getProperties().invert });
    vp.render();
  }

  fit(): void {
    const vp = this.viewport;
    if (!vp) return;
    vp.resetCamera();
    vp.render();
  }

  resetWindow(): void {
    const vp = this.viewport;
    if (!vp) return;
    const invert = vp.getProperties().invert;
    vp.resetProperties();
    vp.setProperties({ invert });
    vp.render();
  }

  /** the element changed size: keep the user's zoom and pan */
  resize(): void {
    this.engine.resize(true, true);
  }

  /** Viewport (client) position -> image pixels; used by tests to read the drawn overlay back. */
  clientToImage(clientX: number, clientY: number): ImagePoint | null {
    const vp = this.viewport;
    if (!vp || !this.csImageId) return null;
    const rect = vp.canvas.getBoundingClientRect();
    const world = vp.canvasToWorld([clientX - rect.left, clientY - rect.top]);
    return worldToImage(this.csImageId, world);
  }

  imageToClient(p: ImagePoint): { x: number; y: number } | null {
    const vp = this.viewport;
    if (!vp || !this.csImageId) return null;
    const rect = vp.canvas.getBoundingClientRect();
    const c = vp.worldToCanvas(imageToWorld(this.csImageId, p));
    return { x: c[0] + rect.left, y: c[1] + rect.top };
  }

  destroy(): void {
    for (const off of this.unlisten.splice(0)) off();
    clearLandmarks();
    removeDraftRulers(null);
    ToolGroupManager.destroyToolGroup(this.toolGroupId);
    this.engine.destroy();
  }
}
