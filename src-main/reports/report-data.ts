// Builds the report model from a case: the calibration, the current landmarks (with what the
// user changed and what the model was unsure of) and the requested analyses evaluated on them.
// No rendering and no I/O here, so every format reports the same numbers.
import path from 'node:path';
import { ANALYSES, evaluateAnalysis, type MeasureEvaluation, type Tracing } from '../../src-shared/ceph/index.js';
import { AppError } from '../../src-shared/errors.js';
import { landmarkById } from '../../src-shared/landmarks.js';
import type { LandmarkState } from '../db/landmarks.js';
import type { CaseDetail } from '../db/store.js';
import { calibrationOf } from './calibration.js';
import { abbreviation, isoWithOffset } from './format.js';
import {
  type AnalysisEntry,
  type Calibration,
  DISCLAIMER,
  type FlagEntry,
  type LandmarkEntry,
  LOW_CONFIDENCE,
  type MeasureEntry,
  REPORT_FORMAT_ID,
  REPORT_SCHEMA_VERSION,
  type ReportData,
} from './report-schema.js';

export interface ReportDataInput {
  case: CaseDetail;
  analyses: readonly string[];
  model: { name: string; version: string } | null;
  normSet?: string;
  generatedAt?: Date;
}

/** Unknown or no analysis ids are the caller's mistake: refused before any work is done. */
export function checkAnalysisIds(ids: readonly string[]): string[] {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new AppError('bad_request', 'name at least one analysis', { known: Object.keys(ANALYSES) });
  }
  for (const id of ids) {
    if (typeof id !== 'string' || !Object.hasOwn(ANALYSES, id)) {
      throw new AppError('bad_request', `unknown analysis '${String(id)}'`, { analysis: id, known: Object.keys(ANALYSES) });
    }
  }
  return [...new Set(ids)];
}

/** A report is about landmarks: a case without any is refused with a message that says what to do. */
export function requireLandmarks(c: CaseDetail): LandmarkState {
  const state = c.landmarks;
  if (!state || state.points.length === 0) {
    throw new AppError('bad_request', `image ${c.image.id} has no landmarks: detect or place them before making a report`, {
      imageId: c.image.id,
      reason: 'no_landmarks',
    });
  }
  if (state.set.check && !state.set.check.isCephalogram && !c.image.traceAnyway) {
    throw new AppError('bad_request', `image ${c.image.id} does not look like a lateral cephalogram: no report is made from it unless it is traced anyway`, {
      imageId: c.image.id,
      reason: 'not_cephalogram',
    });
  }
  return state;
}

export function buildReportData(input: ReportDataInput): ReportData {
  const analysisIds = checkAnalysisIds(input.analyses);
  const c = input.case;
  const state = requireLandmarks(c);

  const calibration = calibrationOf(c.image);
  const modelById = new Map(state.modelPoints.map((p) => [p.landmarkId, p]));
  const landmarks: LandmarkEntry[] = state.points.map((p) => {
    const def = landmarkById(p.landmarkId);
    const m = p.source === 'model' ? modelById.get(p.landmarkId) : undefined;
    const uncertaintyPx = m?.uncertaintyPx ?? null;
    const flagged = !!m?.flagged;
    const accepted = flagged && state.accepted.has(p.landmarkId);
    // a tracing made before the model stated uncertainty is judged by its confidence
    const lowConfidence = uncertaintyPx === null ? p.source === 'model' && p.confidence !== null && p.confidence < LOW_CONFIDENCE : flagged && !accepted;
    return {
      id: p.landmarkId,
      abbreviation: def?.abbr ?? p.landmarkId,
      name: def?.name ?? p.landmarkId,
      x: p.x,
      y: p.y,
      xMm: calibration.colMm !== null ? p.x * calibration.colMm : null,
      yMm: calibration.rowMm !== null ? p.y * calibration.rowMm : null,
      confidence: p.confidence,
      source: p.source,
      edit: p.source === 'model' ? 'none' : modelById.has(p.landmarkId) ? 'moved' : 'placed',
      lowConfidence,
      uncertaintyPx,
      uncertaintyMm: uncertaintyPx !== null && calibration.mmPerPixel !== null ? uncertaintyPx * calibration.mmPerPixel : null,
      flagged,
      accepted,
    };
  });

  const tracing: Tracing = Object.fromEntries(state.points.map((p) => [p.landmarkId, { x: p.x, y: p.y }]));
  const analyses: AnalysisEntry[] = analysisIds.map((id) => {
    const r = evaluateAnalysis(id, tracing, { mmPerPixel: calibration.mmPerPixel ?? undefined, normSet: input.normSet });
    return { id: r.analysisId, name: r.name, normSet: r.normSet, measures: r.measures.map(measureEntry), missing: [...r.missing] };
  });

  const edited =
    state.points.length !== state.modelPoints.length || state.points.some((p) => p.source !== 'model');
  return {
    format: REPORT_FORMAT_ID,
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: isoWithOffset(input.generatedAt ?? new Date()),
    anonymised: false,
    case: {
      patient: { name: c.patient.name, id: c.patient.externalId, birthDate: c.patient.birthDate, sex: c.patient.sex },
      study: { date: c.study.studyDate, description: c.study.description, uid: c.study.studyUid },
      image: {
        imageId: c.image.id,
        // win32.basename splits on both separators: the path may come from either OS
        fileName: path.win32.basename(c.image.sourcePath) || null,
        format: c.image.format,
        width: c.image.width,
        height: c.image.height,
        orientation: c.image.orientation,
      },
    },
    model: input.model ? { name: input.model.name, version: input.model.version } : null,
    landmarkSet: {
      id: state.set.id,
      createdAt: state.set.createdAt,
      edited,
      reviewedAt: state.set.reviewedAt,
      check: state.set.check
        ? {
            isCephalogram: state.set.check.isCephalogram,
            traceAnyway: c.image.traceAnyway,
            orientation: state.set.check.orientation.description,
            warnings: state.set.check.warnings.map((w) => w.message),
          }
        : null,
    },
    calibration,
    landmarks,
    analyses,
    flags: flagsFor(landmarks, modelById, calibration),
    disclaimer: DISCLAIMER,
  };
}

function measureEntry(m: MeasureEvaluation): MeasureEntry {
  const base = { id: m.id, name: m.name, unit: m.unit, value: null, norm: null, deviation: null, flag: null, missing: [], reason: null };
  const r = m.result;
  switch (r.status) {
    case 'ok':
      return {
        ...base,
        status: 'ok',
        value: r.value,
        norm: r.norm ? { mean: r.norm.mean, sd: r.norm.sd, source: r.norm.source } : null,
        deviation: r.deviation ?? null,
        flag: r.flag ?? null,
      };
    case 'missing':
      return { ...base, status: 'missing', missing: [...r.missing] };
    case 'uncalibrated':
      return { ...base, status: 'uncalibrated' };
    case 'cannot_compute':
      return { ...base, status: 'cannot_compute', reason: r.reason };
  }
}

function flagsFor(
  landmarks: LandmarkEntry[],
  modelById: Map<string, { x: number; y: number }>,
  calibration: Calibration,
): FlagEntry[] {
  const flags: FlagEntry[] = [];
  for (const l of landmarks) {
    const base = { landmarkId: l.id, abbreviation: abbreviation(l.id) };
    const radius = l.uncertaintyMm !== null ? `± ${l.uncertaintyMm.toFixed(1)} mm` : l.uncertaintyPx !== null ? `± ${l.uncertaintyPx.toFixed(0)} px` : '';
    if (l.flagged && l.source === 'model') {
      flags.push(
        l.accepted
          ? { ...base, kind: 'flag_accepted', message: `${l.abbreviation}: flagged by the model (${radius} at 90 %), looked at and accepted` }
          : { ...base, kind: 'flagged', message: `${l.abbreviation}: flagged by the model (${radius} at 90 %): not reviewed, check its position` },
      );
    } else if (l.lowConfidence && l.uncertaintyPx === null && l.confidence !== null) {
      flags.push({ ...base, kind: 'low_confidence', message: `${l.abbreviation}: low model confidence ${l.confidence.toFixed(2)} (below ${LOW_CONFIDENCE}): check its position` });
    }
    if (l.edit === 'moved') {
      const m = modelById.get(l.id)!;
      const px = Math.hypot(l.x - m.x, l.y - m.y);
      const dist = calibration.mmPerPixel !== null ? `${(px * calibration.mmPerPixel).toFixed(1)} mm` : `${px.toFixed(0)} px`;
      flags.push({ ...base, kind: 'hand_moved', message: `${l.abbreviation}: hand-placed (moved ${dist} from the model's position)` });
    } else if (l.edit === 'placed') {
      flags.push({ ...base, kind: 'hand_placed', message: `${l.abbreviation}: hand-placed (not predicted by the model)` });
    }
  }
  return flags;
}
