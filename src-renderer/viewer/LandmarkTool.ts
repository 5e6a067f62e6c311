// The cephalometric landmark tool, written to Cornerstone3D's AnnotationTool contract: one
// annotation per landmark, its single handle in world coordinates. A drag only moves the handle
// and marks the annotation invalidated; the next render derives the image-pixel position once and
// announces it (ANNOTATION_MODIFIED), which is what the measurements listen to. The drop is
// handed to `onMoved` so the app can persist it; the tool itself never talks to the server.
import { getEnabledElement, type Types } from '@cornerstonejs/core';
import { AnnotationTool, annotation as csAnnotation, cursors, drawing, state as csToolsState, Enums as ToolEnums, utilities as toolUtils, type Types as ToolTypes } from '@cornerstonejs/tools';
import { landmarkById } from '../../src-shared/landmarks.js';
import { worldToImage, type ImagePoint } from './coords.js';
import { BAND_COLOUR, type ConfidenceBand } from './landmarkStyle.js';
import { placeLabels } from './labelPlacement.js';

/** a 13 px label's size, estimated without measuring text on every render */
const LABEL_CHAR_PX = 8;
const LABEL_HEIGHT_PX = 16;

export const LANDMARK_TOOL_NAME = 'MedsapiensLandmark';

export interface LandmarkData {
  handles: { points: Types.Point3[]; activeHandleIndex: number | null };
  landmarkId: string;
  confidence: number | null;
  source: 'model' | 'hand';
  /** how it is drawn (landmarkStyle.ts), set from the server's point */
  band?: ConfidenceBand;
  /** image-pixel position derived from the handle on the last render */
  imagePoint?: ImagePoint;
  [key: string]: unknown;
}

export type LandmarkAnnotation = ToolTypes.Annotation & { data: LandmarkData };

export interface LandmarkToolConfig {
  /** a dragged landmark was dropped (image pixels) */
  onMoved?: (landmarkId: string, p: ImagePoint) => void;
  /** the landmark waiting to be placed by a click, when the tool is active */
  placing?: string | null;
  onPlaced?: (landmarkId: string, p: ImagePoint) => void;
  /** where a landmark being dragged is now (image pixels) and where the pointer is (canvas
   *  pixels); null when the drag ends or is cancelled. The magnifier follows it. */
  onDragging?: (drag: { landmarkId: string; at: ImagePoint; pointer: [number, number] } | null) => void;
  handleRadius: number;
}

/** what the pointer shows over a landmark that the edit mode lets it drag */
const GRAB_CURSOR = 'grab';

interface EditData {
  annotation: LandmarkAnnotation;
  viewportIdsToRender: string[];
  startWorld: Types.Point3;
  /** handle minus mouse at the grab: a point grabbed off-centre must not jump to the mouse */
  grabOffset: Types.Point3;
  hasMoved: boolean;
}

const { drawCircle, drawTextBox } = drawing;
const { getAnnotations, addAnnotation } = csAnnotation.state;
const { triggerAnnotationModified } = csAnnotation.state;

export function isLandmarkAnnotation(a: ToolTypes.Annotation | undefined): a is LandmarkAnnotation {
  return a?.metadata?.toolName === LANDMARK_TOOL_NAME;
}

function referencedId(a: ToolTypes.Annotation): string {
  return String(a.metadata?.referencedImageId ?? '');
}

export class LandmarkTool extends AnnotationTool {
  static toolName = LANDMARK_TOOL_NAME;
  private drag: EditData | null = null;
  /** the element's cursor before the pointer came over a landmark, while it shows GRAB_CURSOR */
  private beforeGrab: string | null = null;

  constructor(toolProps: ToolTypes.PublicToolProps = {}, defaultToolProps: ToolTypes.ToolProps = { supportedInteractionTypes: ['Mouse'], configuration: { handleRadius: 6 } }) {
    super(toolProps, defaultToolProps);
    // Hover (only in the modes where the tool is active, i.e. where a drag edits): Cornerstone's
    // own callback marks the landmark under the pointer highlighted; the pointer then becomes a hand
    // that can take it. Cornerstone defines the callback per instance, so it is wrapped here.
    const highlight = this.mouseMoveCallback;
    this.mouseMoveCallback = (evt, filtered) => {
      const redraw = highlight(evt, filtered);
      const element = evt.detail.element;
      const over = landmarkAnnotationsOn(element).some((a) => a.highlighted);
      if (over && this.beforeGrab === null) {
        this.beforeGrab = element.style.cursor;
        element.style.cursor = GRAB_CURSOR;
      } else if (!over) this.releaseCursor(element);
      return redraw;
    };
  }

  private get config(): LandmarkToolConfig {
    return this.configuration as LandmarkToolConfig;
  }

  /** Only used while placing a landmark by hand (the tool is active then). */
  addNewAnnotation(evt: ToolTypes.EventTypes.InteractionEventType): LandmarkAnnotation | null {
    const landmarkId = this.config.placing;
    if (!landmarkId) return null;
    const { element, currentPoints } = evt.detail;
    const { viewport } = getEnabledElement(element) ?? {};
    if (!viewport) return null;
    const world = [...currentPoints.world] as Types.Point3;
    const ref = viewport.getCurrentImageId();
    // re-placing a landmark moves its annotation: one annotation per landmark, always
    let annotation = landmarkAnnotationsOn(element).find((a) => a.data.landmarkId === landmarkId && referencedId(a) === ref);
    if (annotation) {
      annotation.data.handles.points[0] = world;
      annotation.invalidated = true;
    } else {
      annotation = LandmarkTool.createAnnotationForViewport<LandmarkAnnotation>(viewport, {
        data: { handles: { points: [world], activeHandleIndex: null }, landmarkId, confidence: null, source: 'hand' },
        highlighted: false,
      });
      addAnnotation(annotation, element);
    }
    evt.preventDefault();
    toolUtils.triggerAnnotationRenderForViewportIds([viewport.id]);
    this.config.onPlaced?.(landmarkId, worldToImage(referencedId(annotation), world));
    return annotation;
  }

  isPointNearTool(element: HTMLDivElement, annotation: ToolTypes.Annotation, canvasCoords: Types.Point2, proximity: number): boolean {
    return this.getHandleNearImagePoint(element, annotation, canvasCoords, proximity) !== undefined;
  }

  getHandleNearImagePoint(element: HTMLDivElement, annotation: ToolTypes.Annotation, canvasCoords: Types.Point2, proximity: number): ToolTypes.ToolHandle | undefined {
    const viewport = getEnabledElement(element)?.viewport;
    const point = annotation.data.handles?.points?.[0];
    if (!viewport || !point) return undefined;
    const c = viewport.worldToCanvas(point);
    // the drawn circle is bigger than Cornerstone's default proximity; grabbing should match it
    const reach = Math.max(proximity, this.config.handleRadius + 2);
    return Math.hypot(c[0] - canvasCoords[0], c[1] - canvasCoords[1]) <= reach ? point : undefined;
  }

  /** the cursor the element had before the hover, back (leaving the edit mode does this too) */
  releaseCursor(element: HTMLDivElement): void {
    if (this.beforeGrab === null) return;
    if (element.style.cursor === GRAB_CURSOR) element.style.cursor = this.beforeGrab;
    this.beforeGrab = null;
  }

  private dragging(evt: ToolTypes.EventTypes.InteractionEventType | null): void {
    const drag = this.drag;
    if (!evt || !drag) return this.config.onDragging?.(null);
    const canvas = evt.detail.currentPoints.canvas;
    this.config.onDragging?.({ landmarkId: drag.annotation.data.landmarkId, at: worldToImage(referencedId(drag.annotation), drag.annotation.data.handles.points[0]), pointer: [canvas[0], canvas[1]] });
  }

  // A landmark has no body apart from its handle: selecting the tool is selecting the handle.
  toolSelectedCallback(): void {}

  handleSelectedCallback(evt: ToolTypes.EventTypes.InteractionEventType, annotation: ToolTypes.Annotation): void {
    if (!isLandmarkAnnotation(annotation)) return;
    const { element, currentPoints } = evt.detail;
    annotation.highlighted = true;
    annotation.data.handles.activeHandleIndex = 0;
    const start = annotation.data.handles.points[0];
    const mouse = currentPoints.world;
    this.drag = {
      annotation,
      viewportIdsToRender: toolUtils.viewportFilters.getViewportIdsWithToolToRender(element, this.getToolName()),
      startWorld: [...start] as Types.Point3,
      grabOffset: [start[0] - mouse[0], start[1] - mouse[1], start[2] - mouse[2]],
      hasMoved: false,
    };
    this._activateModify(element);
    this.beforeGrab = null;
    cursors.elementCursor.hideElementCursor(element);
    toolUtils.triggerAnnotationRenderForViewportIds(this.drag.viewportIdsToRender);
    this.dragging(evt);
    evt.preventDefault();
  }

  _dragCallback = (evt: ToolTypes.EventTypes.InteractionEventType): void => {
    if (!this.drag) return;
    this.isDrawing = true;
    const { annotation, viewportIdsToRender, grabOffset } = this.drag;
    const mouse = evt.detail.currentPoints.world;
    annotation.data.handles.points[0] = [mouse[0] + grabOffset[0], mouse[1] + grabOffset[1], mouse[2] + grabOffset[2]];
    annotation.invalidated = true;
    this.drag.hasMoved = true;
    toolUtils.triggerAnnotationRenderForViewportIds(viewportIdsToRender);
    this.dragging(evt);
  };

  _endCallback = (evt: ToolTypes.EventTypes.InteractionEventType): void => {
    const { element } = evt.detail;
    const drag = this.drag;
    this._deactivateModify(element);
    cursors.elementCursor.resetElementCursor(element);
    this.drag = null;
    this.isDrawing = false;
    this.dragging(null);
    if (!drag) return;
    const { annotation, viewportIdsToRender } = drag;
    annotation.highlighted = false;
    annotation.data.handles.activeHandleIndex = null;
    toolUtils.triggerAnnotationRenderForViewportIds(viewportIdsToRender);
    if (drag.hasMoved) this.config.onMoved?.(annotation.data.landmarkId, worldToImage(referencedId(annotation), annotation.data.handles.points[0]));
  };

  cancel = (element: HTMLDivElement): string | undefined => {
    const drag = this.drag;
    if (!drag) return undefined;
    this._deactivateModify(element);
    cursors.elementCursor.resetElementCursor(element);
    drag.annotation.data.handles.points[0] = drag.startWorld;
    drag.annotation.invalidated = true;
    drag.annotation.highlighted = false;
    this.drag = null;
    this.isDrawing = false;
    this.dragging(null);
    toolUtils.triggerAnnotationRenderForViewportIds(drag.viewportIdsToRender);
    return drag.annotation.annotationUID;
  };

  _activateModify = (element: HTMLDivElement): void => {
    toolState().isInteractingWithTool = true;
    element.addEventListener(ToolEnums.Events.MOUSE_UP, this._endCallback as EventListener);
    element.addEventListener(ToolEnums.Events.MOUSE_DRAG, this._dragCallback as EventListener);
    element.addEventListener(ToolEnums.Events.MOUSE_CLICK, this._endCallback as EventListener);
  };

  _deactivateModify = (element: HTMLDivElement): void => {
    toolState().isInteractingWithTool = false;
    element.removeEventListener(ToolEnums.Events.MOUSE_UP, this._endCallback as EventListener);
    element.removeEventListener(ToolEnums.Events.MOUSE_DRAG, this._dragCallback as EventListener);
    element.removeEventListener(ToolEnums.Events.MOUSE_CLICK, this._endCallback as EventListener);
  };

  renderAnnotation = (enabledElement: Types.IEnabledElement, svgDrawingHelper: ToolTypes.SVGDrawingHelper): boolean => {
    const { viewport } = enabledElement;
    const { element } = viewport;
    const all = getAnnotations(this.getToolName(), element);
    const annotations = this.filterInteractableAnnotationsForElement(element, all ?? []) as ToolTypes.Annotation[];
    let drawn = false;
    const shown: { a: LandmarkAnnotation; canvas: Types.Point2; band: ConfidenceBand; label: string }[] = [];
    for (const a of annotations) {
      if (!isLandmarkAnnotation(a) || a.isVisible === false) continue;
      const { data } = a;
      const world = data.handles.points[0];
      if (a.invalidated || !data.imagePoint) {
        // derived once per change, on render, as the contract asks; listeners read imagePoint
        data.imagePoint = worldToImage(referencedId(a), world);
        const wasInvalidated = a.invalidated;
        a.invalidated = false;
        if (wasInvalidated) triggerAnnotationModified(a, element, ToolEnums.ChangeTypes.HandlesUpdated);
      }
      const band: ConfidenceBand = data.source === 'hand' ? 'hand' : (data.band ?? 'sure');
      const def = landmarkById(data.landmarkId);
      const abbr = def?.abbr ?? data.landmarkId;
      // under the mouse (edit mode): the full name, so a point is never mistaken for its neighbour
      const label = `${band === 'review' ? `${abbr} ?` : abbr}${a.highlighted && !this.drag && def ? ` · ${def.name}` : ''}`;
      shown.push({ a, canvas: viewport.worldToCanvas(world), band, label });
    }
    const r = this.config.handleRadius;
    // labels beside their points, on a side where they hide no other label or point
    const at = placeLabels(
      shown.map((s) => ({ id: s.a.data.landmarkId, x: s.canvas[0], y: s.canvas[1], width: s.label.length * LABEL_CHAR_PX + 2, height: LABEL_HEIGHT_PX })),
      r + 2,
    );
    for (const { a, canvas, band, label } of shown) {
      const { data } = a;
      const colour = BAND_COLOUR[band];
      const uid = a.annotationUID ?? data.landmarkId;
      drawCircle(svgDrawingHelper, uid, 'handle', canvas, r, { color: colour, width: a.highlighted ? 3 : 2, fill: colour, fillOpacity: 0.25 }, `landmark:${data.landmarkId}`);
      // the exact spot, readable at any zoom over bright bone or dark air
      drawCircle(svgDrawingHelper, uid, 'centre', canvas, 1.2, { color: '#000000', width: 0.8, fill: '#ffffff', fillOpacity: 1 }, `centre:${data.landmarkId}`);
      if (band === 'review') {
        drawCircle(svgDrawingHelper, uid, 'review', canvas, r + 5, { color: colour, width: 1.5, lineDash: '3,3' }, `review:${data.landmarkId}`);
      }
      const p = at.get(data.landmarkId) ?? { x: canvas[0] + r + 2, y: canvas[1] - 10 };
      drawTextBox(svgDrawingHelper, uid, 'label', [label], [p.x, p.y], { color: colour, fontSize: '13px', padding: 0, background: 'rgba(0,0,0,0.55)' });
      drawn = true;
    }
    return drawn;
  };
}

// Cornerstone's interaction flag lives in its store; setting it keeps other tools (W/L, pan) from
// reacting while a landmark is being dragged.
function toolState(): { isInteractingWithTool: boolean } {
  return csToolsState as unknown as { isInteractingWithTool: boolean };
}

export function landmarkAnnotationsOn(element: HTMLDivElement): LandmarkAnnotation[] {
  return (getAnnotations(LANDMARK_TOOL_NAME, element) ?? []).filter(isLandmarkAnnotation);
}
