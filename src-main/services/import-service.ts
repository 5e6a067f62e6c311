// Importing one file into the case database: decode (typed errors for bad files), keep a copy,
// run the model, and write the image and its landmarks in one transaction.
import fs from 'node:fs';
import path from 'node:path';
import { isoDate, type ImportImageInput } from '../db/inputs.js';
import type { CaseStore } from '../db/store.js';
import { importImage } from '../imaging/import.js';
import type { DecodedImageMeta } from '../imaging/types.js';
import type { DetectedLandmark } from '../inference/detector.js';
import { traceFile, type CheckedLandmark } from '../inference/trace.js';
import { modelLabel, type LoadedModel } from '../inference/model.js';
import type { ImageLibrary } from './image-library.js';

// the database's vocabulary; magnification-corrected imager spacing is still imager spacing
const SPACING_SOURCE = {
  PixelSpacing: 'pixel-spacing',
  ImagerPixelSpacing: 'imager-pixel-spacing',
  'ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor': 'imager-pixel-spacing',
} as const;

export function imageRecord(img: DecodedImageMeta, keptPath: string): ImportImageInput {
  const m = img.metadata;
  return {
    sha256: img.sha256,
    sourcePath: img.sourcePath || keptPath,
    format: img.format,
    width: img.width,
    height: img.height,
    spacing: img.spacing.source !== 'none' ? { rowMm: img.spacing.rowMm, colMm: img.spacing.colMm, source: SPACING_SOURCE[img.spacing.source] } : null,
    // a header's text longer than any real one is cut to what the database keeps, never a refused
    // import; a UID that long is no UID (cut, it could collide with another): dropped
    patient: { externalId: cut(m.patientId, 128), name: cut(m.patientName?.replace(/\^+/g, ' ').trim(), 256), birthDate: validDate(m.birthDate), sex: normSex(m.sex) },
    study: { studyUid: m.studyInstanceUid && m.studyInstanceUid.length <= 128 ? m.studyInstanceUid : undefined, studyDate: validDate(m.studyDate), description: cut(m.studyDescription, 1024) },
  };
}

function cut(s: string | undefined, n: number): string | undefined {
  return s === undefined ? undefined : [...s].slice(0, n).join('').trim();
}

function validDate(d: string | undefined): string | undefined {
  // partial or vendor-format DICOM dates are dropped rather than failing the import
  return d ? (isoDate(d) ?? undefined) : undefined;
}

function normSex(s: string | undefined): 'M' | 'F' | 'O' | undefined {
  const v = s?.trim().toUpperCase();
  return v === 'M' || v === 'F' || v === 'O' ? v : undefined;
}

export interface ImportOutcome {
  imageId: number;
  duplicate: boolean;
}

export async function importFile(
  file: string,
  deps: { store: CaseStore; library: ImageLibrary; model?: () => Promise<LoadedModel> },
  opts: { detect: boolean; displayPath?: string },
): Promise<ImportOutcome> {
  const model = opts.detect && deps.model ? await deps.model() : undefined;
  // the viewer decodes its own full-size copy later; the import only needs what the model reads
  const traced = model ? await traceFile(model, file) : undefined;
  const img = traced ? traced.img : await importImage(file);
  const hadCopy = fs.existsSync(path.join(deps.library.folder, img.sha256));
  const kept = deps.library.keep(file, img.sha256);
  try {
    const record = imageRecord({ ...img, sourcePath: opts.displayPath ?? img.sourcePath }, kept);
    if (!model || !traced) {
      const r = deps.store.importImageRecord(record);
      return { imageId: r.image.id, duplicate: !r.created };
    }
    const t = traced.tracing;
    const r = deps.store.importWithLandmarks({ image: record, ...modelLabelFields(model), points: modelPoints(t.landmarks), check: t.check });
    return { imageId: r.image.id, duplicate: !r.created };
  } catch (e) {
    // the database refused the case: its copy would be an orphan in the library
    if (!hadCopy) fs.rmSync(kept, { force: true });
    throw e;
  }
}

export function modelPoints(landmarks: (DetectedLandmark & Partial<Pick<CheckedLandmark, 'uncertaintyPx' | 'flagged'>>)[]) {
  return landmarks.map((l) => ({
    landmarkId: l.id,
    x: l.x,
    y: l.y,
    confidence: Math.min(1, Math.max(0, l.confidence)),
    uncertaintyPx: l.uncertaintyPx !== undefined && Number.isFinite(l.uncertaintyPx) ? l.uncertaintyPx : null,
    flagged: !!l.flagged,
  }));
}

/** The fields a new landmark set records about what made it (the model, and a clinic's correction). */
export function modelLabelFields(m: LoadedModel): { model: string; version: string } {
  const l = modelLabel(m);
  return { model: l.name, version: l.version };
}
