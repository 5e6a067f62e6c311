// One stack viewport and its tools, set up on an element and torn down with it. The React
// component only forwards props here; all Cornerstone3D calls of the viewer live in this class.
import { Enums as CoreEnums, RenderingEngine, cache, eventTarget, imageLoader, type Types } from '@cornerstonejs/core';
import { Enums as ToolEnums, LengthTool, PanTool, ToolGroupManager, WindowLevelTool, ZoomTool, type Types as ToolTypes } from '@cornerstonejs/tools';
import type { LandmarkPoint } from '../../src-shared/api/contract.js';
import { worldToImage, imageToWorld, type ImagePoint } from './coords.js';
import { parseCornerstoneId, toCornerstoneId, type ImageRef } from './imageIds.js';
import { clearLandmarks, showLandmarks } from './landmarkAnnotations.js';
import { LANDMARK_TOOL_NAME, isLandmarkAnnotation, landmarkAnnotationsOn, type LandmarkTool, type LandmarkToolConfig } from './LandmarkTool.js';
import { Magnifier, magnifierScale } from './magnifier.js';
import { RULER_TOOL_NAME, isStoredRuler, removeDraftRulers, rulerEnds, showStoredRuler } from './ruler.js';

export type WindowPreset = 'file' | 'bone' | 'soft';

/** One wheel notch (deltaY 100) zooms by this factor; pinches send smaller deltas and zoom finer. */
const WHEEL_NOTCH = 1.2;
const ZOOM_LIMITS = { min: 0.02, max: 16 };

/** A value below which the given fraction of a sample of the pixels lies. */
function percentiles(pixels: ArrayLike<number>, fractions: number[]): number[] {
  const step = Math.max(1, Math.floor(pixels.length / 400_000));
  const sample: number[] = [];
  for (let i = 0; i < pixels.length; i += step) sample.push(pixels[i]!);
  sample.sort((a, b) => a - b);
  return fractions.map((f) => sample[Math.min(sample.length - 1, Math.max(0, Math.round(f * (sample.length - 1))))]!);
}

export type ViewerMode = { kind: 'edit' } | { kind: 'adjust' } | { kind: 'pan' } | { kind: 'zoom' } | { kind: 'ruler' } | { kind: 'place'; landmarkId: string };

export interface ViewerCallbacks {
  onMoved(landmarkId: string, p: ImagePoint): void;
  onPlaced(landmarkId: string, p: ImagePoint): void;
  onRulerDrawn(p1: ImagePoint, p2: ImagePoint): void;
  /** a landmark's position changed under the mouse (before it is dropped) */
  onLiveMove(landmarkId: string, p: ImagePoint): void;
  onLandmarksDrawn(imageId: number, count: number): void;
  /** screen pixels per image pixel, after every render (null: no image) */
  onZoom?(zoom: number | null): void;
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
  private readonly magnifier: Magnifier;

  constructor(
    private readonly element: HTMLDivElement,
    private readonly callbacks: ViewerCallbacks,
  ) {
    instances += 1;
    this.magnifier = new Magnifier(element.parentElement ?? element);
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
      onDragging: (d) => (d ? this.magnify(d.at, d.pointer) : this.magnifier.hide()),
      placing: null,
      handleRadius: 6,
    } satisfies LandmarkToolConfig);
    group.addViewport(this.viewportId, this.engine.id);
    group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
    group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
    // the wheel zooms about the cursor at a rate a hand can use (the tool's own wheel zoom is 3 %
    // a notch); trackpad pinches arrive as wheel events with ctrlKey and small deltas
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = element.getBoundingClientRect();
      const delta = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
      this.zoomBy(Math.pow(WHEEL_NOTCH, -delta / 100), [e.clientX - rect.left, e.clientY - rect.top]);
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    this.unlisten.push(() => element.removeEventListener('wheel', onWheel));
    this.listen(element, CoreEnums.Events.IMAGE_RENDERED, () => this.callbacks.onZoom?.(this.zoomLevel()));
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

  /** the magnifier beside the pointer, showing the film about a dragged landmark */
  private magnify(at: ImagePoint, pointer: [number, number]): void {
    const vp = this.viewport;
    const image = this.csImageId ? cache.getImage(this.csImageId) : undefined;
    const zoom = this.zoomLevel();
    const props = vp?.getProperties();
    if (!vp || !image || !zoom || !props?.voiRange) return;
    const src = { width: image.width, height: image.height, pixels: image.getPixelData(), window: props.voiRange, invert: !!props.invert };
    this.magnifier.show(src, at, magnifierScale(zoom), pointer, [this.element.clientWidth, this.element.clientHeight]);
  }

  setMode(mode: ViewerMode): void {
    const group = this.group;
    if (!group) return;
    // a hand over a landmark belongs to the edit mode only
    (group.getToolInstance(LANDMARK_TOOL_NAME) as LandmarkTool | undefined)?.releaseCursor(this.element);
    for (const name of [WindowLevelTool.toolName, PanTool.toolName, ZoomTool.toolName, LengthTool.toolName, LANDMARK_TOOL_NAME]) {
      if (group.getToolOptions(name)) group.setToolPassive(name);
    }
    group.setToolConfiguration(LANDMARK_TOOL_NAME, { placing: mode.kind === 'place' ? mode.landmarkId : null });
    const primary = { edit: LANDMARK_TOOL_NAME, adjust: WindowLevelTool.toolName, pan: PanTool.toolName, zoom: ZoomTool.toolName, ruler: LengthTool.toolName, place: LANDMARK_TOOL_NAME }[mode.kind];
    group.setToolActive(primary, { bindings: PRIMARY });
    // navigation never edits: outside the edit and placing modes the landmarks are drawn only
    // (a passive annotation tool would still let a W/L drag that starts near a point move it)
    if (primary !== LANDMARK_TOOL_NAME) group.setToolEnabled(LANDMARK_TOOL_NAME);
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

  /** the view as it opened: fitted, the file's own window, not inverted */
  reset(): void {
    const vp = this.viewport;
    if (!vp) return;
    vp.resetProperties();
    vp.resetCamera();
    vp.render();
  }

  resetWindow(): void {
    this.setWindowPreset('file');
  }

  /** Screen (CSS) pixels per image pixel. */
  zoomLevel(): number | null {
    const vp = this.viewport;
    const ref = this.csImageId ? parseCornerstoneId(this.csImageId) : null;
    // until the stack holds the image, the camera is the empty view's
    if (!vp || !ref || vp.getCurrentImageId() !== this.csImageId) return null;
    const scale = vp.getCamera().parallelScale;
    if (!scale) return null;
    // parallelScale is half the view's height in world units (mm on a calibrated image, else pixels)
    const rowWorld = ref.spacing?.rowMm ?? 1;
    return (vp.canvas.clientHeight / (2 * scale)) * rowWorld;
  }

  /** Zooms by `factor` keeping the image point under `at` (canvas pixels; default the centre) in place. */
  zoomBy(factor: number, at?: [number, number]): void {
    const vp = this.viewport;
    const now = this.zoomLevel();
    if (!vp || !now) return;
    const target = Math.min(ZOOM_LIMITS.max, Math.max(ZOOM_LIMITS.min, now * factor));
    const cam = vp.getCamera();
    const point: [number, number] = at ?? [vp.canvas.clientWidth / 2, vp.canvas.clientHeight / 2];
    const before = vp.canvasToWorld(point);
    vp.setCamera({ parallelScale: cam.parallelScale! * (now / target) });
    const after = vp.canvasToWorld(point);
    const d = [before[0] - after[0], before[1] - after[1], before[2] - after[2]];
    const c2 = vp.getCamera();
    vp.setCamera({
      focalPoint: [c2.focalPoint![0] + d[0], c2.focalPoint![1] + d[1], c2.focalPoint![2] + d[2]],
      position: [c2.position![0] + d[0], c2.position![1] + d[1], c2.position![2] + d[2]],
    });
    vp.render();
  }

  /** 1:1 (one image pixel on one screen pixel) or any level, about the view's centre. */
  setZoomLevel(level: number): void {
    const now = this.zoomLevel();
    if (now) this.zoomBy(level / now);
  }

  /** The display window: the file's own, or one from this image's histogram. Cephalograms put
   *  bone and teeth in the bright half and the soft-tissue profile a little above the air, in the
   *  darkest quarter: the soft-tissue window spreads that quarter over the whole grey scale. */
  setWindowPreset(preset: WindowPreset): void {
    const vp = this.viewport;
    if (!vp || !this.csImageId) return;
    const invert = vp.getProperties().invert;
    if (preset === 'file') {
      vp.resetProperties();
      vp.setProperties({ invert });
    } else {
      const image = cache.getImage(this.csImageId);
      if (!image) return;
      const [p1, p30, p40, p997] = percentiles(image.getPixelData(), [0.01, 0.3, 0.4, 0.997]);
      const [lower, upper] = preset === 'soft' ? [p1!, p30!] : [p40!, p997!];
      vp.setProperties({ voiRange: { lower, upper: Math.max(upper, lower + 1) }, invert });
    }
    vp.render();
  }

  /** whether the view is inverted now (tests read it) */
  inverted(): boolean | null {
    return this.viewport ? !!this.viewport.getProperties().invert : null;
  }

  /** the display window now (tests read it) */
  voiRange(): { lower: number; upper: number } | null {
    return this.viewport?.getProperties().voiRange ?? null;
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
    this.magnifier.remove();
    for (const off of this.unlisten.splice(0)) off();
    clearLandmarks();
    removeDraftRulers(null);
    ToolGroupManager.destroyToolGroup(this.toolGroupId);
    this.engine.destroy();
  }
}
