// Database records -> the API contract's shapes (what the renderer sees).
import path from 'node:path';
import type { CaseDetail, CaseSummary, ClinicStatus, LandmarkSet } from '../../src-shared/api/contract.js';
import type { DeepJobStatus } from '../adaptation/deep-job.js';
import type { ClinicStatus as ServiceClinicStatus } from '../adaptation/clinic-service.js';
import type { CaseDetail as StoreCase } from '../db/store.js';
import type { CaseSummary as StoreSummary } from '../db/rows.js';
import type { LandmarkState } from '../db/landmarks.js';
import { reviewStateOf } from '../../src-shared/image-check.js';

export function landmarkSetView(s: LandmarkState): LandmarkSet {
  return {
    setId: s.set.id,
    version: s.set.headEditId ?? 0,
    modelName: s.set.modelName,
    modelVersion: s.set.modelVersion,
    points: s.points.map((p) => {
      const m = p.source === 'model' ? s.modelPoints.find((mp) => mp.landmarkId === p.landmarkId) : undefined;
      return {
        landmarkId: p.landmarkId,
        x: p.x,
        y: p.y,
        confidence: p.confidence,
        source: p.source,
        uncertaintyPx: m?.uncertaintyPx ?? null,
        flagged: !!m?.flagged,
        accepted: s.accepted.has(p.landmarkId),
      };
    }),
    check: s.set.check,
    reviewedAt: s.set.reviewedAt,
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
    reviewState: reviewStateOf({ hasLandmarks: c.currentSetId !== null, check: c.imageCheck, traceAnyway: c.traceAnyway, reviewedAt: c.reviewedAt, toReview: c.toReview }),
    toReview: c.toReview,
    birthDate: c.birthDate,
    sex: c.sex,
    archived: c.archivedAt !== null,
    patientRecord: c.patientId,
  };
}

export function caseDetailView(c: StoreCase): CaseDetail {
  const img = c.image;
  const set = c.landmarks ? landmarkSetView(c.landmarks) : null;
  const toReview = set ? set.points.filter((p) => p.flagged && !p.accepted).length : 0;
  return {
    reviewState: reviewStateOf({ hasLandmarks: set !== null, check: set?.check ?? null, traceAnyway: img.traceAnyway, reviewedAt: set?.reviewedAt ?? null, toReview }),
    toReview,
    imageId: img.id,
    patientName: c.patient.name,
    patientId: c.patient.externalId,
    studyDate: c.study.studyDate,
    fileName: path.basename(img.sourcePath),
    width: img.width,
    height: img.height,
    hasLandmarks: c.landmarks !== null,
    createdAt: img.createdAt,
    birthDate: c.patient.birthDate,
    sex: c.patient.sex,
    archived: img.archivedAt !== null,
    patientRecord: c.patient.id,
    format: img.format,
    sourcePath: img.sourcePath,
    spacing: img.spacing,
    ruler: img.ruler
      ? { p1: { x: img.ruler.x1, y: img.ruler.y1 }, p2: { x: img.ruler.x2, y: img.ruler.y2 }, lengthMm: img.ruler.lengthMm, mmPerPixel: img.ruler.mmPerPx }
      : null,
    orientation: img.orientation,
    orientationOverride: img.orientationOverride,
    traceAnyway: img.traceAnyway,
    landmarks: c.landmarks ? landmarkSetView(c.landmarks) : null,
  };
}

export function clinicView(s: ServiceClinicStatus, deep: DeepJobStatus | null = null, deepUnavailable: string | null = null): ClinicStatus {
  return {
    parent: s.parent,
    correctedCases: s.correctedCases,
    minCases: s.minCases,
    active: s.active,
    models: s.models.map((m) =>
      m.kind === 'offset'
        ? {
            id: m.id,
            kind: m.kind,
            createdAt: m.adaptation.created_at,
            cases: m.adaptation.cases.length,
            measuredOn: m.adaptation.measured.parent.n_images,
            parentMre: m.adaptation.measured.parent.mre_px,
            adaptedMre: m.adaptation.measured.adapted.mre_px,
            unit: 'px' as const,
            coverageParent: m.adaptation.measured.coverage90_parent,
            coverageAdapted: m.adaptation.measured.coverage90_adapted,
            radiusScale: m.adaptation.radius_scale,
            beatsParent: m.beatsParent,
          }
        : {
            id: m.id,
            kind: m.kind,
            createdAt: m.card.adaptation!.created,
            cases: m.card.adaptation!.cases.length,
            measuredOn: m.figures.eval_cases.length,
            parentMre: m.figures.parent.mre,
            adaptedMre: m.figures.adapted.mre,
            unit: m.figures.unit,
            coverageParent: null,
            coverageAdapted: null,
            radiusScale: null,
            beatsParent: m.beatsParent,
          },
    ),
    deep,
    deepUnavailable,
  };
}
