// The calibration ruler, drawn with Cornerstone's own Length tool: a draft line the user draws
// (two clicks) and, separately, the stored ruler of the image shown locked.
import type { Types } from '@cornerstonejs/core';
import { LengthTool, annotation as csAnnotation, utilities as toolUtils, type Types as ToolTypes } from '@cornerstonejs/tools';
import { imageToWorld, worldToImage, type ImagePoint } from './coords.js';

export const RULER_TOOL_NAME: string = LengthTool.toolName;
const STORED_PREFIX = 'stored-ruler#';

export function isStoredRuler(a: ToolTypes.Annotation): boolean {
  return (a.annotationUID ?? '').startsWith(STORED_PREFIX);
}

function rulerAnnotations(): ToolTypes.Annotation[] {
  return csAnnotation.state.getAllAnnotations().filter((a) => a.metadata?.toolName === RULER_TOOL_NAME);
}

/** The two ends of a drawn line, in image pixels. */
export function rulerEnds(a: ToolTypes.Annotation): [ImagePoint, ImagePoint] | null {
  const pts = a.data.handles?.points;
  const ref = String(a.metadata?.referencedImageId ?? '');
  if (!pts || pts.length < 2) return null;
  return [worldToImage(ref, pts[0]), worldToImage(ref, pts[1])];
}

/** Removes drawn, unsaved rulers (all but `keep`, the one just drawn, when given). */
export function removeDraftRulers(viewport: Types.IStackViewport | null, keep?: string): void {
  for (const a of rulerAnnotations()) if (!isStoredRuler(a) && a.annotationUID && a.annotationUID !== keep) csAnnotation.state.removeAnnotation(a.annotationUID);
  if (viewport) toolUtils.triggerAnnotationRenderForViewportIds([viewport.id]);
}

export function showStoredRuler(viewport: Types.IStackViewport, csImageId: string, ruler: { p1: ImagePoint; p2: ImagePoint } | null): void {
  for (const a of rulerAnnotations()) if (isStoredRuler(a) && a.annotationUID) csAnnotation.state.removeAnnotation(a.annotationUID);
  if (ruler) {
    const a = LengthTool.createAnnotationForViewport<ToolTypes.Annotation>(viewport, {
      annotationUID: `${STORED_PREFIX}${csImageId}`,
      highlighted: false,
      isLocked: true,
      data: { handles: { points: [imageToWorld(csImageId, ruler.p1), imageToWorld(csImageId, ruler.p2)], activeHandleIndex: null } },
    });
    csAnnotation.state.addAnnotation(a, viewport.element);
  }
  toolUtils.triggerAnnotationRenderForViewportIds([viewport.id]);
}
