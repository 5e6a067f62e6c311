// The report model: everything a report says, in one serialisable object. The PDF, the CSV and
// the JSON export are all rendered from it, so anonymising it once (anonymise.ts) covers every
// format, and the JSON export is this object as validated by ReportSchema. Other programs read
// the JSON export, so the schema is versioned and strict: a field added here is a deliberate
// change of the export format.
import { z } from 'zod';

export const REPORT_FORMAT_ID = 'medsapiens-report';
export const REPORT_SCHEMA_VERSION = 1;

/** Below this model confidence a landmark is flagged for review. */
export const LOW_CONFIDENCE = 0.3;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** an anonymised report keeps no date more precise than its year */
const year = z.string().regex(/^\d{4}$/);
const finite = z.number().finite();

export const PatientSchema = z.strictObject({
  /** null when anonymised or unknown */
  name: z.string().nullable(),
  id: z.string().nullable(),
  birthDate: isoDate.nullable(),
  sex: z.enum(['M', 'F', 'O']).nullable(),
});

export const StudySchema = z.strictObject({
  /** the year alone when anonymised */
  date: z.union([isoDate, year]).nullable(),
  description: z.string().nullable(),
  /** DICOM StudyInstanceUID; an identifier, so null when anonymised */
  uid: z.string().nullable(),
});

export const ImageInfoSchema = z.strictObject({
  imageId: z.number().int().positive(),
  /** base name of the imported file; null when anonymised (file names often carry the patient's name) */
  fileName: z.string().nullable(),
  format: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  orientation: z.enum(['facing-right', 'facing-left']),
});

export const CALIBRATION_SOURCES = ['dicom', 'ruler', 'none'] as const;

export const CalibrationSchema = z.strictObject({
  source: z.enum(CALIBRATION_SOURCES),
  /** what linear measures were computed with; null: they read 'uncalibrated' */
  mmPerPixel: finite.positive().nullable(),
  /** per axis, for landmark coordinates in mm (DICOM spacing may differ between rows and columns) */
  rowMm: finite.positive().nullable(),
  colMm: finite.positive().nullable(),
  /** one line for the report header, e.g. 'DICOM PixelSpacing 0.100 mm/px' */
  label: z.string(),
  /** why a calibration was not used, or what the reader should know about it */
  note: z.string().nullable(),
});

export const LandmarkEntrySchema = z.strictObject({
  id: z.string(),
  abbreviation: z.string(),
  name: z.string(),
  /** original image pixels, y down */
  x: finite,
  y: finite,
  xMm: finite.nullable(),
  yMm: finite.nullable(),
  /** the model's confidence; null for hand-placed points */
  confidence: z.number().min(0).max(1).nullable(),
  source: z.enum(['model', 'hand']),
  /** 'placed': placed by hand (the model gave no point); 'moved': the model's point was moved by hand */
  edit: z.enum(['none', 'moved', 'placed']),
  /** to be looked at: flagged by the model and not reviewed (or, for a tracing made before the
   *  model stated uncertainty, a low confidence) */
  lowConfidence: z.boolean(),
  /** the model's 90 % radius for the point (null: by hand, or not stated) */
  uncertaintyPx: finite.nullable(),
  uncertaintyMm: finite.nullable(),
  /** flagged by the model for review, and whether a clinician accepted it */
  flagged: z.boolean(),
  accepted: z.boolean(),
});

export const NormEntrySchema = z.strictObject({ mean: finite, sd: finite.positive(), source: z.string() });

export const MeasureEntrySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  unit: z.enum(['deg', 'mm', 'ratio', 'percent']),
  status: z.enum(['ok', 'missing', 'uncalibrated', 'cannot_compute']),
  value: finite.nullable(),
  norm: NormEntrySchema.nullable(),
  /** (value - mean) / SD */
  deviation: finite.nullable(),
  flag: z.enum(['normal', 'high', 'low']).nullable(),
  /** landmarks still to place (status 'missing') */
  missing: z.array(z.string()),
  /** why it could not be computed (status 'cannot_compute') */
  reason: z.string().nullable(),
});

export const AnalysisEntrySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  normSet: z.string(),
  measures: z.array(MeasureEntrySchema),
  missing: z.array(z.string()),
});

export const FlagEntrySchema = z.strictObject({
  kind: z.enum(['low_confidence', 'flagged', 'flag_accepted', 'hand_moved', 'hand_placed']),
  landmarkId: z.string(),
  abbreviation: z.string(),
  message: z.string(),
});

export const ReportSchema = z.strictObject({
  format: z.literal(REPORT_FORMAT_ID),
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  /** the year alone when anonymised */
  generatedAt: z.union([z.iso.datetime({ offset: true }), year]),
  anonymised: z.boolean(),
  case: z.strictObject({ patient: PatientSchema, study: StudySchema, image: ImageInfoSchema }),
  model: z.strictObject({ name: z.string(), version: z.string() }).nullable(),
  landmarkSet: z.strictObject({
    id: z.number().int().positive(),
    createdAt: z.string(),
    /** false: the points are exactly the model's output */
    edited: z.boolean(),
    /** when a clinician marked the tracing reviewed; null: not reviewed */
    reviewedAt: z.string().nullable(),
    /** what the model's checks said of the image (null: traced by hand or before the checks) */
    check: z
      .strictObject({ isCephalogram: z.boolean(), traceAnyway: z.boolean(), orientation: z.string(), warnings: z.array(z.string()) })
      .nullable(),
  }),
  calibration: CalibrationSchema,
  landmarks: z.array(LandmarkEntrySchema),
  analyses: z.array(AnalysisEntrySchema),
  flags: z.array(FlagEntrySchema),
  disclaimer: z.string(),
});

export type ReportData = z.infer<typeof ReportSchema>;
export type PatientInfo = z.infer<typeof PatientSchema>;
export type StudyInfo = z.infer<typeof StudySchema>;
export type Calibration = z.infer<typeof CalibrationSchema>;
export type LandmarkEntry = z.infer<typeof LandmarkEntrySchema>;
export type MeasureEntry = z.infer<typeof MeasureEntrySchema>;
export type AnalysisEntry = z.infer<typeof AnalysisEntrySchema>;
export type FlagEntry = z.infer<typeof FlagEntrySchema>;

export const DISCLAIMER =
  'Landmarks were placed by software and may be wrong. All values must be reviewed by a clinician before any diagnostic or treatment decision.';
