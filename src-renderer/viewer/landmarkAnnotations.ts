// Mirrors the server's landmark set onto the viewport as LandmarkTool annotations: updates the
// ones that exist, adds new ones, removes those that disappeared (e.g. an undone placement).
import type { Types } from '@cornerstonejs/core';
import { annotation as csAnnotation, utilities as toolUtils } from '@cornerstonejs/tools';
import type { LandmarkPoint } from '../../src-shared/api/contract.js';
import { imageToWorld } from './coords.js';
import { confidenceBand } from './landmarkStyle.js';
import { LANDMARK_TOOL_NAME, LandmarkTool, isLandmarkAnnotation, landmarkAnnotationsOn, type LandmarkAnnotation } from './LandmarkTool.js';

export function showLandmarks(viewport: Types.IStackViewport, csImageId: string, points: readonly LandmarkPoint[], mmPerPixel?: number): void {
  const { element } = viewport;
  const existing = new Map<string, LandmarkAnnotation>();
  for (const a of landmarkAnnotationsOn(element)) {
    if (a.metadata?.referencedImageId !== csImageId) continue;
    const twin = existing.get(a.data.landmarkId);
    if (twin?.annotationUID) csAnnotation.state.removeAnnotation(twin.annotationUID); // never two of one landmark
    existing.set(a.data.landmarkId, a);
  }
  for (const p of points) {
    const world = imageToWorld(csImageId, p);
    const found = existing.get(p.landmarkId);
    if (found) {
      existing.delete(p.landmarkId);
      if (found.data.handles.activeHandleIndex !== null) continue; // being dragged right now
      found.data.handles.points[0] = world;
      found.data.confidence = p.confidence;
      found.data.source = p.source;
      found.data.band = confidenceBand(p, mmPerPixel);
      // set both so the render does not announce this as an edit: it came from the server
      found.data.imagePoint = { x: p.x, y: p.y };
      found.invalidated = false;
    } else {
      const a = LandmarkTool.createAnnotationForViewport<LandmarkAnnotation>(viewport, {
        annotationUID: `${csImageId}#${p.landmarkId}`,
        highlighted: false,
        invalidated: false,
        data: {
          handles: { points: [world], activeHandleIndex: null },
          landmarkId: p.landmarkId,
          confidence: p.confidence,
          source: p.source,
          band: confidenceBand(p, mmPerPixel),
          imagePoint: { x: p.x, y: p.y },
        },
      });
      csAnnotation.state.addAnnotation(a, element);
    }
  }
  for (const stale of existing.values()) if (stale.annotationUID) csAnnotation.state.removeAnnotation(stale.annotationUID);
  toolUtils.triggerAnnotationRenderForViewportIds([viewport.id]);
}

/** Drops every landmark annotation (all images): called when another case is opened. */
export function clearLandmarks(): void {
  for (const a of csAnnotation.state.getAllAnnotations()) {
    if (isLandmarkAnnotation(a) && a.annotationUID) csAnnotation.state.removeAnnotation(a.annotationUID);
  }
}

export { LANDMARK_TOOL_NAME };
