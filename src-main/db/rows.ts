// Row schemas: what comes back from SQLite is checked before it leaves this module, and turned
// from flat snake_case columns into the API's shapes. A row that fails here means the file was
// changed behind our back (or a migration is wrong): it surfaces as 'corrupt', not as bad data
// reaching the measurements.
import { z } from 'zod';
import { AppError } from '../../src-shared/errors.js';
import { ImageCheckSchema, OrientationSchema } from '../../src-shared/image-check.js';

const id = z.number().int().positive();
const text = z.string();
const timestamp = z.string().min(1);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const real = z.number();
/** a TEXT column holding JSON of the given shape */
const jsonOf = <T extends z.ZodType>(schema: T) =>
  z.string().transform((v, ctx) => {
    try {
      const parsed = schema.safeParse(JSON.parse(v));
      if (parsed.success) return parsed.data as z.output<T>;
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'invalid' });
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
    }
    return z.NEVER;
  });

export const POINT_SOURCES = ['model', 'hand'] as const;
export type PointSource = (typeof POINT_SOURCES)[number];
export const EDIT_KINDS = ['move', 'place', 'reset', 'delete', 'restore'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];
export const ORIENTATIONS = ['facing-right', 'facing-left'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];
/** Where the pixel spacing came from: DICOM PixelSpacing (0028,0030), ImagerPixelSpacing
 * (0018,1164, at the detector: includes the magnification), NominalScannedPixelSpacing
 * (0018,2010, digitised film), typed in by the user, or unknown. */
export const SPACING_SOURCES = ['pixel-spacing', 'imager-pixel-spacing', 'nominal-scanned', 'user', 'none'] as const;
export type SpacingSource = (typeof SPACING_SOURCES)[number];
export const FILE_STATUSES = ['pending', 'done', 'failed'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

export const PatientRow = z
  .object({
    id,
    external_id: text.nullable(),
    name: text.nullable(),
    birth_date: isoDate.nullable(),
    sex: z.enum(['M', 'F', 'O']).nullable(),
    created_at: timestamp,
  })
  .transform((r) => ({
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    birthDate: r.birth_date,
    sex: r.sex,
    createdAt: r.created_at,
  }));
export type Patient = z.output<typeof PatientRow>;

export const StudyRow = z
  .object({
    id,
    patient_id: id,
    study_uid: text.nullable(),
    study_date: isoDate.nullable(),
    description: text.nullable(),
    created_at: timestamp,
  })
  .transform((r) => ({
    id: r.id,
    patientId: r.patient_id,
    studyUid: r.study_uid,
    studyDate: r.study_date,
    description: r.description,
    createdAt: r.created_at,
  }));
export type Study = z.output<typeof StudyRow>;

export interface Ruler {
  mmPerPx: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** the length the user entered for the segment (x1,y1)-(x2,y2) */
  lengthMm: number;
}

export const ImageRow = z
  .object({
    id,
    study_id: id,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    source_path: text,
    format: text,
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    spacing_row_mm: real.nullable(),
    spacing_col_mm: real.nullable(),
    spacing_source: z.enum(SPACING_SOURCES),
    orientation: z.enum(ORIENTATIONS),
    ruler_mm_per_px: real.nullable(),
    ruler_x1: real.nullable(),
    ruler_y1: real.nullable(),
    ruler_x2: real.nullable(),
    ruler_y2: real.nullable(),
    ruler_length_mm: real.nullable(),
    created_at: timestamp,
    orientation_override: jsonOf(OrientationSchema).nullable(),
    trace_anyway: z.union([z.literal(0), z.literal(1)]),
    archived_at: timestamp.nullable().default(null),
  })
  .transform((r) => ({
    id: r.id,
    studyId: r.study_id,
    sha256: r.sha256,
    sourcePath: r.source_path,
    format: r.format,
    width: r.width,
    height: r.height,
    spacing:
      r.spacing_row_mm !== null && r.spacing_col_mm !== null
        ? { rowMm: r.spacing_row_mm, colMm: r.spacing_col_mm, source: r.spacing_source }
        : null,
    orientation: r.orientation,
    ruler:
      r.ruler_mm_per_px !== null && r.ruler_x1 !== null && r.ruler_y1 !== null && r.ruler_x2 !== null && r.ruler_y2 !== null && r.ruler_length_mm !== null
        ? ({ mmPerPx: r.ruler_mm_per_px, x1: r.ruler_x1, y1: r.ruler_y1, x2: r.ruler_x2, y2: r.ruler_y2, lengthMm: r.ruler_length_mm } satisfies Ruler)
        : null,
    createdAt: r.created_at,
    /** the user's word on how the film is stored; null: the orientation check decides */
    orientationOverride: r.orientation_override,
    /** traced and measured although the check says it is not a cephalogram */
    traceAnyway: r.trace_anyway === 1,
    /** out of the case list (kept, restorable); null: in it */
    archivedAt: r.archived_at,
  }));
export type Image = z.output<typeof ImageRow>;

export const LandmarkSetRow = z
  .object({
    id,
    image_id: id,
    model_name: text,
    model_version: text,
    created_at: timestamp,
    head_edit_id: id.nullable(),
    image_check: jsonOf(ImageCheckSchema).nullable(),
    reviewed_at: timestamp.nullable(),
  })
  .transform((r) => ({
    id: r.id,
    imageId: r.image_id,
    modelName: r.model_name,
    modelVersion: r.model_version,
    createdAt: r.created_at,
    /** the last edit applied to the current points; null = the model's output as saved */
    headEditId: r.head_edit_id,
    /** what the checks said of the image when this set was made (null: made before them, or by hand) */
    check: r.image_check,
    /** when a clinician marked this tracing reviewed */
    reviewedAt: r.reviewed_at,
  }));
export type LandmarkSet = z.output<typeof LandmarkSetRow>;

export const ModelPointRow = z
  .object({ landmark_id: text, x: real, y: real, confidence: real.nullable(), uncertainty_px: real.nonnegative().nullable(), flagged: z.union([z.literal(0), z.literal(1)]) })
  .transform((r) => ({ landmarkId: r.landmark_id, x: r.x, y: r.y, confidence: r.confidence, uncertaintyPx: r.uncertainty_px, flagged: r.flagged === 1 }));
export type ModelPoint = z.output<typeof ModelPointRow>;

export const PointRow = z
  .object({
    landmark_id: text,
    x: real,
    y: real,
    confidence: real.nullable(),
    source: z.enum(POINT_SOURCES),
    updated_at: timestamp,
  })
  .transform((r) => ({ landmarkId: r.landmark_id, x: r.x, y: r.y, confidence: r.confidence, source: r.source, updatedAt: r.updated_at }));
export type LandmarkPoint = z.output<typeof PointRow>;

/** A point as the edit log sees it; null = not on the image. */
export interface PointState {
  x: number;
  y: number;
  source: PointSource;
}

export const EditRow = z
  .object({
    id,
    set_id: id,
    parent_id: id.nullable(),
    action_id: id,
    at: timestamp,
    landmark_id: text,
    kind: z.enum(EDIT_KINDS),
    from_x: real.nullable(),
    from_y: real.nullable(),
    from_source: z.enum(POINT_SOURCES).nullable(),
    to_x: real.nullable(),
    to_y: real.nullable(),
    to_source: z.enum(POINT_SOURCES).nullable(),
    client_id: text.nullable().optional(),
  })
  .transform((r) => ({
    id: r.id,
    clientId: r.client_id ?? null,
    setId: r.set_id,
    parentId: r.parent_id,
    actionId: r.action_id,
    at: r.at,
    landmarkId: r.landmark_id,
    kind: r.kind,
    from: r.from_x !== null && r.from_y !== null && r.from_source !== null ? ({ x: r.from_x, y: r.from_y, source: r.from_source } satisfies PointState) : null,
    to: r.to_x !== null && r.to_y !== null && r.to_source !== null ? ({ x: r.to_x, y: r.to_y, source: r.to_source } satisfies PointState) : null,
  }));
export type Edit = z.output<typeof EditRow>;

export const JobRow = z
  .object({ id: text, root: text, created_at: timestamp })
  .transform((r) => ({ id: r.id, root: r.root, createdAt: r.created_at }));
export type Job = z.output<typeof JobRow>;

export const JobFileRow = z
  .object({
    job_id: text,
    path: text,
    status: z.enum(FILE_STATUSES),
    image_id: id.nullable(),
    error_code: text.nullable(),
    error_message: text.nullable(),
    attempts: z.number().int().nonnegative(),
    updated_at: timestamp,
  })
  .transform((r) => ({
    jobId: r.job_id,
    path: r.path,
    status: r.status,
    imageId: r.image_id,
    error: r.error_code !== null ? { code: r.error_code, message: r.error_message ?? '' } : null,
    attempts: r.attempts,
    updatedAt: r.updated_at,
  }));
export type JobFile = z.output<typeof JobFileRow>;

export function parseRow<S extends z.ZodType>(schema: S, row: unknown, what: string): z.output<S> {
  const r = schema.safeParse(row);
  // no row values in the error: they are patient data and errors end up in logs
  if (!r.success) throw new AppError('corrupt', `a ${what} row in the case database is not valid: ${z.prettifyError(r.error)}`, { table: what });
  return r.data;
}

export function parseRows<S extends z.ZodType>(schema: S, rows: unknown[], what: string): z.output<S>[] {
  return rows.map((r) => parseRow(schema, r, what));
}

/** One line of the case list (a joined row, already in API shape via column aliases). */
export const CaseSummaryRow = z.object({
  imageId: id,
  patientId: id,
  patientExternalId: text.nullable(),
  patientName: text.nullable(),
  birthDate: isoDate.nullable(),
  sex: z.enum(['M', 'F', 'O']).nullable(),
  studyId: id,
  studyUid: text.nullable(),
  studyDate: isoDate.nullable(),
  studyDescription: text.nullable(),
  sourcePath: text,
  format: text,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  importedAt: timestamp,
  /** the newest landmark set of the image, if the model has run on it */
  currentSetId: id.nullable(),
  /** that set's check, review time and flagged model points not yet looked at */
  imageCheck: jsonOf(ImageCheckSchema).nullable(),
  reviewedAt: timestamp.nullable(),
  toReview: z.number().int().nonnegative(),
  /** points of that set placed or moved by hand */
  handPoints: z.number().int().nonnegative(),
  traceAnyway: z.union([z.literal(0), z.literal(1)]).transform((v) => v === 1),
  archivedAt: timestamp.nullable(),
});
export type CaseSummary = z.output<typeof CaseSummaryRow>;
