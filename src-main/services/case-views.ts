// Database records -> the API contract's shapes (what the renderer sees).
import path from 'node:path';
import type { CaseDetail, CaseSummary, LandmarkSet } from '../../src-shared/api/contract.js';
import type { CaseDetail as StoreCase } from '../db/store.js';
import type { CaseSummary as StoreSummary } from '../db/rows.js';
import type { LandmarkState } from '../db/landmarks.js';

export function landmarkSetView(s: LandmarkState): LandmarkSet {
  return {
    setId: s.set.id,
    modelName: s.set.modelName,
    modelVersion: s.set.modelVersion,
    points: s.points.map((p) => ({ landmarkId: p.landmarkId, x: p.x, y: p.y, confidence: p.confidence, source: p.source })),
    canUndo: s.canUndo,
    canRedo: s.canRedo,
  };
}

export function caseSummaryView(c: StoreSummary): CaseSummary {
  return {
    imageId: c.imageId,
    patientName: c.patientName,
    patientId: c.patientExternalId,
    studyDate: c.studyDate,
    fileName: path.basename(c.sourcePath),
    width: c.width,
    height: c.height,
    hasLandmarks: c.currentSetId !== null,
    createdAt: c.importedAt,
  };
}

export function caseDetailView(c: StoreCase): CaseDetail {
  const img = c.image;
  return {
    imageId: img.id,
    patientName: c.patient.name,
    patientId: c.patient.externalId,
    studyDate: c.study.studyDate,
    fileName: path.basename(img.sourcePath),
    width: img.width,
    height: img.height,
    hasLandmarks: c.landmarks !== null,
    createdAt: img.createdAt,
    format: img.format,
    sourcePath: img.sourcePath,
    spacing: img.spacing,
    ruler: img.ruler
      ? { p1: { x: img.ruler.x1, y: img.ruler.y1 }, p2: { x: img.ruler.x2, y: img.ruler.y2 }, lengthMm: img.ruler.lengthMm, mmPerPixel: img.ruler.mmPerPx }
      : null,
    orientation: img.orientation,
    landmarks: c.landmarks ? landmarkSetView(c.landmarks) : null,
  };
}
