// Input schemas: everything that crosses into the store is parsed here first, so the SQL below
// only ever sees well-formed values, and a caller's mistake comes back as 'bad_request' with the
// offending field named instead of as a constraint failure deep in SQLite.
import { z } from 'zod';
import { isPlausibleSpacing, PLAUSIBLE_MM_PER_PIXEL } from '../../src-shared/plausible-spacing.js';
import { ImageCheckSchema } from '../../src-shared/image-check.js';
import { AppError, ERROR_CODES } from '../../src-shared/errors.js';
import { ALL_LANDMARKS } from '../../src-shared/landmarks.js';
import { FILE_STATUSES, ORIENTATIONS, SPACING_SOURCES } from './rows.js';

export const Id = z.number().int().positive();

/** Trimmed text, where '' (DICOM's "empty element") means absent. */
const optText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((s) => (s ? s : null));

/** YYYY-MM-DD from YYYY-MM-DD or DICOM's YYYYMMDD when it is a real calendar date, else null. */
export function isoDate(s: string): string | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

const optDate = z
  .string()
  .trim()
  .nullish()
  .transform((s, ctx) => {
    if (!s) return null;
    const iso = isoDate(s);
    if (iso === null) {
      ctx.addIssue({ code: 'custom', message: `not a date (YYYY-MM-DD or YYYYMMDD): ${s}` });
      return z.NEVER;
    }
    return iso;
  });

const coord = z.number().finite();
const positive = z.number().finite().positive();

export const LandmarkIdInput = z.enum(ALL_LANDMARKS.map((l) => l.id) as [string, ...string[]]);

export const PatientInput = z
  .object({
    externalId: optText(128),
    name: optText(256),
    birthDate: optDate,
    sex: z
      .string()
      .trim()
      .toUpperCase()
      .nullish()
      .transform((s) => (s ? s : null))
      .pipe(z.enum(['M', 'F', 'O']).nullable()),
  })
  .partial();

export const StudyInput = z
  .object({
    studyUid: optText(128),
    studyDate: optDate,
    description: optText(1024),
  })
  .partial();

export const SpacingInput = z.object({
  rowMm: positive,
  colMm: positive,
  // 'none' is what the database writes when there is no spacing at all
  source: z.enum(SPACING_SOURCES).exclude(['none']),
});

export const ImportImageInput = z.object({
  sha256: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 hex digits'),
  sourcePath: z.string().min(1).max(4096),
  format: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9.+-]{0,31}$/, 'format must be a short name such as dicom, png, jpeg'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  spacing: SpacingInput.nullish().transform((s) => s ?? null),
  orientation: z.enum(ORIENTATIONS).default('facing-right'),
  patient: PatientInput.default({}),
  study: StudyInput.default({}),
});
export type ImportImageInput = z.input<typeof ImportImageInput>;

export const ModelPointInput = z.object({
  landmarkId: LandmarkIdInput,
  x: coord,
  y: coord,
  confidence: z.number().min(0).max(1).nullish().transform((c) => c ?? null),
  /** radius holding the true point with 90 % probability, image pixels */
  uncertaintyPx: z.number().nonnegative().finite().nullish().transform((c) => c ?? null),
  flagged: z.boolean().default(false),
});
export type ModelPointInput = z.input<typeof ModelPointInput>;

export const ModelPointsInput = z
  .array(ModelPointInput)
  .min(1, 'a landmark set needs at least one point')
  .refine((pts) => new Set(pts.map((p) => p.landmarkId)).size === pts.length, 'a landmark appears twice');

export const ModelInfoInput = z.object({
  name: z.string().trim().min(1).max(200),
  version: z.string().trim().min(1).max(200),
  /** what the model's checks said of the image (src-shared/image-check.ts) */
  check: ImageCheckSchema.optional(),
});

export const SaveModelLandmarksInput = z.object({
  imageId: Id,
  model: ModelInfoInput,
  points: ModelPointsInput,
});

export const PointEditInput = z.object({ setId: Id, landmarkId: LandmarkIdInput, x: coord, y: coord });
export const PointRefInput = z.object({ setId: Id, landmarkId: LandmarkIdInput });


export const RulerInput = z
  .object({ x1: coord, y1: coord, x2: coord, y2: coord, lengthMm: positive.max(1000, 'a ruler on a radiograph is at most 1000 mm long') })
  .refine((r) => Math.hypot(r.x2 - r.x1, r.y2 - r.y1) >= 10, 'the two ruler points must be at least 10 pixels apart')
  .refine(
    (r) => isPlausibleSpacing(r.lengthMm / Math.hypot(r.x2 - r.x1, r.y2 - r.y1)),
    `that length over those points gives a pixel spacing outside ${PLAUSIBLE_MM_PER_PIXEL.min}–${PLAUSIBLE_MM_PER_PIXEL.max} mm per pixel: check the length and the points`,
  )
  .nullable();
export type RulerInput = z.input<typeof RulerInput>;

export const ListCasesInput = z
  .object({
    search: z.string().max(200).optional(),
    /** one patient's cases only */
    patientId: z.number().int().positive().optional(),
    /** the archived cases instead of the others */
    archived: z.boolean().default(false),
    /** newest import first (default), or newest study date first */
    sort: z.enum(['imported', 'study']).default('imported'),
    limit: z.number().int().min(1).max(10000).default(500),
    offset: z.number().int().min(0).default(0),
  })
  .default({ archived: false, sort: 'imported', limit: 500, offset: 0 });
export type ListCasesInput = z.input<typeof ListCasesInput>;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((v) => (v ? v : null));
/** A patient record as the user edits it: empty fields are unknown. */
export const PatientRecordInput = z.object({
  name: optionalText(256),
  externalId: optionalText(64),
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a birth date is YYYY-MM-DD')
    .refine((d) => !Number.isNaN(Date.parse(d)) && d <= new Date().toISOString().slice(0, 10), 'a birth date is a real day, not in the future')
    .nullable(),
  sex: z.enum(['M', 'F', 'O']).nullable(),
});
export type PatientRecordInput = z.output<typeof PatientRecordInput>;

const JobId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'job id: 1-128 of A-Z a-z 0-9 . _ : -');
export const FilePath = z.string().min(1).max(4096);

export const CreateJobInput = z.object({
  root: z.string().min(1).max(4096),
  id: JobId.optional(),
  files: z.array(FilePath).optional(),
});
export type CreateJobInput = z.input<typeof CreateJobInput>;

export const JobIdInput = JobId;

export const FileMarkInput = z.discriminatedUnion('status', [
  z.object({ status: z.literal(FILE_STATUSES[0]) }),
  z.object({ status: z.literal(FILE_STATUSES[1]), imageId: Id.nullish().transform((v) => v ?? null) }),
  z.object({
    status: z.literal(FILE_STATUSES[2]),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string().min(1).max(4000) }),
  }),
]);
export type FileMarkInput = z.input<typeof FileMarkInput>;

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new AppError('bad_request', `invalid ${what}: ${z.prettifyError(r.error)}`, {
      issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  }
  return r.data;
}
