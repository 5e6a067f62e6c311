// The one contract between the renderer and the main process. Every capability has a request
// and a response schema; both transports (Electron IPC through the preload bridge, and the
// token-guarded loopback HTTP server) validate against these same schemas on both ends.
import { z } from 'zod';
import { AppErrorSchema } from '../errors.js';
import { ImageCheckSchema, OrientationSchema, ReviewStateSchema } from '../image-check.js';
import { AgreementSchema } from '../agreement/schema.js';
import { RegistrationIdSchema, SuperimpositionSchema, TimelineSchema } from '../superimposition/schema.js';

export const PointSchema = z.object({ x: z.number().finite(), y: z.number().finite() });

export const LandmarkPointSchema = z.object({
  landmarkId: z.string().min(1),
  x: z.number().finite(),
  y: z.number().finite(),
  confidence: z.number().min(0).max(1).nullable(),
  source: z.enum(['model', 'hand']),
  /** the model's 90 % radius for this point, image pixels (null: placed or moved by hand, or no calibration) */
  uncertaintyPx: z.number().nonnegative().nullable().default(null),
  /** the model flagged this point for review, and it is still where the model put it */
  flagged: z.boolean().default(false),
  /** a clinician looked at the flagged point and kept it */
  accepted: z.boolean().default(false),
});
export type LandmarkPoint = z.infer<typeof LandmarkPointSchema>;

export const SpacingSchema = z.object({
  rowMm: z.number().positive(),
  colMm: z.number().positive(),
  source: z.string(),
});

export const RulerSchema = z.object({
  p1: PointSchema,
  p2: PointSchema,
  lengthMm: z.number().positive(),
  mmPerPixel: z.number().positive(),
});

export const ProviderSchema = z.object({
  name: z.enum(['cuda', 'dml', 'coreml', 'cpu']),
  gpu: z.boolean(),
  description: z.string(),
});

export const CaseSummarySchema = z.object({
  imageId: z.number().int(),
  patientName: z.string().nullable(),
  patientId: z.string().nullable(),
  studyDate: z.string().nullable(),
  fileName: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  hasLandmarks: z.boolean(),
  createdAt: z.string(),
  reviewState: ReviewStateSchema.default('not_traced'),
  /** flagged points still to look at */
  toReview: z.number().int().nonnegative().default(0),
  /** YYYY-MM-DD */
  birthDate: z.string().nullable().default(null),
  sex: z.enum(['M', 'F', 'O']).nullable().default(null),
  /** out of the case list (kept; restorable) */
  archived: z.boolean().default(false),
  /** the patient record the case is filed under: cases with the same one are one patient's studies */
  patientRecord: z.number().int(),
});
export type CaseSummary = z.infer<typeof CaseSummarySchema>;

export const LandmarkSetSchema = z.object({
  setId: z.number().int(),
  modelName: z.string(),
  modelVersion: z.string(),
  points: z.array(LandmarkPointSchema),
  /** what the checks said of the image when the model traced it (null: traced by hand or before the checks) */
  check: ImageCheckSchema.nullable().default(null),
  reviewedAt: z.string().nullable().default(null),
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  /** changes with every edit, undo and redo: what an edit's baseVersion names */
  version: z.number().int().nonnegative().default(0),
});
export type LandmarkSet = z.infer<typeof LandmarkSetSchema>;

export const CaseDetailSchema = CaseSummarySchema.extend({
  format: z.string(),
  sourcePath: z.string(),
  spacing: SpacingSchema.nullable(),
  ruler: RulerSchema.nullable(),
  orientation: z.enum(['facing-right', 'facing-left']),
  /** the user's word on how the film is stored; null: the orientation check decides */
  orientationOverride: OrientationSchema.nullable().default(null),
  /** traced and measured although the check says it is not a cephalogram */
  traceAnyway: z.boolean().default(false),
  landmarks: LandmarkSetSchema.nullable(),
});
export type CaseDetail = z.infer<typeof CaseDetailSchema>;

export const ImportResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    path: z.string(),
    imageId: z.number().int(),
    duplicate: z.boolean(),
    /** imported, but something the user should know: e.g. the model could not run */
    warning: z.string().optional(),
  }),
  z.object({ ok: z.literal(false), path: z.string(), error: AppErrorSchema }),
]);

export const ProgressEventSchema = z.object({
  kind: z.literal('progress'),
  task: z.string(), // 'import' | 'detect' | 'batch' ...
  taskId: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  current: z.string().optional(),
  etaSeconds: z.number().nonnegative().nullable(),
  failed: z.number().int().nonnegative().default(0),
});
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;

/** The watch folder setting and how its watching goes (counts are for this run of the app). */
export const WatchStatusSchema = z.object({
  folder: z.string().nullable(),
  /** where the folder comes from: the saved setting, or the command line for this run only */
  source: z.enum(['setting', 'command-line']).nullable(),
  watching: z.boolean(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** seen, but not yet complete or not yet processed */
  waiting: z.number().int().nonnegative(),
  /** why the folder is not being watched */
  error: z.string().nullable(),
});
export type WatchStatus = z.infer<typeof WatchStatusSchema>;

/** A DICOM application entity title: 1–16 characters of the default repertoire, no backslash. */
export const AeTitleSchema = z
  .string()
  .trim()
  .regex(/^[\x20-\x5b\x5d-\x7e]{1,16}$/, 'an AE title is 1 to 16 plain characters (letters, digits, spaces, no backslash)');

/** The DICOM receiver (storage SCP) as the clinic sets it up; off unless enabled. */
export const DicomReceiverConfigSchema = z.object({
  enabled: z.boolean(),
  port: z.number().int().min(1).max(65535),
  aeTitle: AeTitleSchema,
  /** senders' AE titles allowed to store; empty: any */
  allowedCallingAeTitles: z.array(AeTitleSchema).max(100),
  /** senders' IP addresses allowed; empty: any */
  allowedHosts: z.array(z.string().trim().regex(/^[0-9A-Fa-f:.]{2,45}$/, 'a host is an IP address')).max(100),
});
export type DicomReceiverConfig = z.infer<typeof DicomReceiverConfigSchema>;

export const DicomReceiverStatusSchema = z.object({
  config: DicomReceiverConfigSchema,
  /** the saved setting, or the command line for this run only */
  source: z.enum(['setting', 'command-line']),
  listening: z.boolean(),
  /** the folder received objects wait in until they are imported */
  inbox: z.string(),
  /** counts for this run of the app */
  received: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  imported: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  waiting: z.number().int().nonnegative(),
  /** the latest events, newest first */
  recent: z.array(z.object({ at: z.string(), ok: z.boolean(), callingAeTitle: z.string(), host: z.string(), message: z.string() })).max(20),
  /** why it is not listening (port taken, ...) */
  error: z.string().nullable(),
});
export type DicomReceiverStatus = z.infer<typeof DicomReceiverStatusSchema>;

/** The PACS the app queries, retrieves from and sends results to. */
export const PacsConfigSchema = z.object({
  aeTitle: AeTitleSchema,
  host: z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:_-]+$/, 'a host is a name or an IP address'),
  port: z.number().int().min(1).max(65535),
  /** store the SR and the PDF to the PACS when a tracing is marked reviewed */
  sendAfterReview: z.boolean(),
  /** the analyses those automatic sends report */
  analyses: z.array(z.string().min(1).max(64)).min(1).max(20).default(['steiner']),
});
export type PacsConfig = z.infer<typeof PacsConfigSchema>;

export const ResultKindSchema = z.enum(['sr', 'pdf']);

export const PacsSendOutcomeSchema = z.object({
  kind: ResultKindSchema,
  sopInstanceUid: z.string(),
  ok: z.boolean(),
  status: z.number().int().nullable(),
  message: z.string(),
});

export const PacsStatusSchema = z.object({
  config: PacsConfigSchema.nullable(),
  /** our AE title when we call the PACS (the receiver's) */
  callingAeTitle: z.string(),
  /** the latest sends, newest first */
  recent: z
    .array(z.object({ at: z.string(), imageId: z.number().int().positive(), automatic: z.boolean(), outcomes: z.array(PacsSendOutcomeSchema), error: z.string().nullable() }))
    .max(20),
});
export type PacsStatus = z.infer<typeof PacsStatusSchema>;

const dicomDate = z.string().regex(/^\d{8}$/, 'a date is YYYYMMDD');
export const PacsQuerySchema = z.object({
  patientName: z.string().trim().max(64).optional(),
  patientId: z.string().trim().max(64).optional(),
  dateFrom: dicomDate.optional(),
  dateTo: dicomDate.optional(),
  modality: z.string().trim().regex(/^[A-Z]{0,16}$/).optional(),
});
export const PacsStudySchema = z.object({
  studyUid: z.string(),
  patientName: z.string().nullable(),
  patientId: z.string().nullable(),
  birthDate: z.string().nullable(),
  studyDate: z.string().nullable(),
  description: z.string().nullable(),
  modalities: z.array(z.string()),
  instances: z.number().int().nonnegative().nullable(),
});
export type PacsStudy = z.infer<typeof PacsStudySchema>;

/** The clinic's adaptation: how many corrected cases it has, the clinic models learnt from them
 *  (leave-one-out figures on the clinic's own cases), the one in use. */
export const ClinicStatusSchema = z.object({
  parent: z.object({ name: z.string(), version: z.string() }),
  correctedCases: z.number().int().nonnegative(),
  minCases: z.number().int().positive(),
  models: z.array(
    z.object({
      id: z.string(),
      /** offset: the instant level (leave-one-out figures); lora: the deep level (a fine-tuned
       *  model, measured on cases held out of its training) */
      kind: z.enum(['offset', 'lora']),
      createdAt: z.string(),
      cases: z.number().int().positive(),
      /** the cases its figures were measured on */
      measuredOn: z.number().int().positive(),
      parentMre: z.number(),
      adaptedMre: z.number(),
      unit: z.enum(['px', 'mm']),
      /** the stated 90 % radius's hold on the clinic's cases (the instant level measures it) */
      coverageParent: z.number().nullable(),
      coverageAdapted: z.number().nullable(),
      radiusScale: z.number().nullable(),
      beatsParent: z.boolean(),
    }),
  ),
  active: z.string().nullable(),
  /** the deep adaptation running or last run in this session of the app */
  deep: z
    .object({
      state: z.enum(['preparing', 'training', 'exporting', 'done', 'cancelled', 'failed']),
      /** 0..1 of the whole run */
      fraction: z.number(),
      etaSeconds: z.number().nullable(),
      message: z.string().nullable(),
      /** the clinic model folder it writes */
      id: z.string(),
    })
    .nullable(),
  /** where this machine cannot fine-tune: what it needs (the instant level works regardless) */
  deepUnavailable: z.string().nullable(),
});
export type ClinicStatus = z.infer<typeof ClinicStatusSchema>;

const Empty = z.object({});
const ImageRef = z.object({ imageId: z.number().int() });
/** An edit names the tracing and, from the app, who makes it and on which version: an edit on a
 *  version that is no longer the current one is refused (conflict), and undo takes back only the
 *  client's own edits. */
const SetRef = z.object({ setId: z.number().int(), clientId: z.string().min(1).max(64).optional(), baseVersion: z.number().int().nonnegative().optional() });

/** name -> { request, response }. Names are also the IPC channel suffixes and HTTP paths. */
export const API = {
  'system.status': {
    request: Empty,
    response: z.object({
      version: z.string(),
      model: z.object({ name: z.string(), version: z.string(), landmarks: z.array(z.string()), provider: ProviderSchema }).nullable(),
      modelError: z.string().nullable(),
      database: z.string(),
      /** imports being decoded now, and waiting for a turn */
      imports: z.object({ running: z.number().int(), queued: z.number().int(), limit: z.number().int() }).optional(),
    }),
  },
  /** newest import first; archived: the archived cases instead */
  'cases.list': { request: z.object({ search: z.string().optional(), archived: z.boolean().optional() }), response: z.array(CaseSummarySchema) },
  /** the case's patient record, edited; with the name and ID of another patient the case is filed
   *  under that patient (its timeline). Audited. */
  'patients.edit': {
    request: z.object({
      imageId: z.number().int(),
      name: z.string().max(256).nullable(),
      patientId: z.string().max(64).nullable(),
      birthDate: z.string().nullable(),
      sex: z.enum(['M', 'F', 'O']).nullable(),
    }),
    response: CaseDetailSchema,
  },
  /** out of the case list, or back (nothing removed). Audited. */
  'cases.archive': { request: z.object({ imageId: z.number().int(), archived: z.boolean() }), response: CaseDetailSchema },
  /** the case, its tracings and its image library copy removed for good; confirm must be true. Audited. */
  'cases.delete': { request: z.object({ imageId: z.number().int(), confirm: z.literal(true) }), response: z.object({ deleted: z.number().int() }) },
  'cases.get': { request: ImageRef, response: CaseDetailSchema },
  /** a small preview of the case's film for the case list (made once, then kept) */
  'cases.thumbnail': {
    request: ImageRef,
    response: z.object({ mimeType: z.literal('image/jpeg'), dataBase64: z.string().min(1) }),
  },
  /** the case's patient and all their studies in date order (T0, T1 ...) */
  'patients.timeline': { request: ImageRef, response: TimelineSchema },
  /** the current tracings of one patient's studies superimposed on the first's, with the change table */
  'superimposition.compute': {
    request: z.object({ imageIds: z.array(z.number().int()).min(2).max(8), registration: RegistrationIdSchema.default('sn-at-s'), analyses: z.array(z.string()).default(['steiner']) }),
    response: SuperimpositionSchema,
  },
  'superimposition.report': {
    request: z.object({
      imageIds: z.array(z.number().int()).min(2).max(8),
      registration: RegistrationIdSchema.default('sn-at-s'),
      analyses: z.array(z.string()).default(['steiner']),
      format: z.enum(['pdf', 'csv', 'json']),
    }),
    response: z.object({ fileName: z.string(), mimeType: z.string(), dataBase64: z.string() }),
  },
  /** the model's tracings against what clinicians made of them (reviewed or corrected cases) */
  'agreement.modelVsClinician': { request: z.object({ analyses: z.array(z.string()).default(['steiner']) }), response: AgreementSchema },
  'agreement.report': {
    request: z.object({ analyses: z.array(z.string()).default(['steiner']), format: z.enum(['pdf', 'csv', 'json']) }),
    response: z.object({ fileName: z.string(), mimeType: z.string(), dataBase64: z.string() }),
  },
  'images.importPaths': { request: z.object({ paths: z.array(z.string()).min(1), detect: z.boolean().default(true) }), response: z.array(ImportResultSchema) },
  'images.importBytes': {
    request: z.object({ fileName: z.string().min(1), dataBase64: z.string().min(1), detect: z.boolean().default(true) }),
    response: ImportResultSchema,
  },
  /** a case whose image file is missing or changed, given its original file again (checked by hash) */
  'images.relink': { request: ImageRef.extend({ path: z.string().min(1) }), response: CaseDetailSchema },
  'images.relinkBytes': { request: ImageRef.extend({ dataBase64: z.string().min(1) }), response: CaseDetailSchema },
  'images.setRuler': { request: ImageRef.extend({ p1: PointSchema, p2: PointSchema, lengthMm: z.number().positive() }), response: CaseDetailSchema },
  'images.setOrientation': { request: ImageRef.extend({ orientation: z.enum(['facing-right', 'facing-left']) }), response: CaseDetailSchema },
  /** how the film is stored (null: let the orientation check decide); traced again that way */
  'images.setStoredOrientation': { request: ImageRef.extend({ orientation: OrientationSchema.nullable() }), response: CaseDetailSchema },
  /** trace and measure an image the check refused (or stop doing so) */
  'images.setTraceAnyway': { request: ImageRef.extend({ on: z.boolean() }), response: CaseDetailSchema },
  'landmarks.detect': { request: ImageRef, response: LandmarkSetSchema },
  /** an empty set for tracing by hand (when the model is unavailable or not wanted) */
  'landmarks.createSet': { request: ImageRef, response: LandmarkSetSchema },
  'landmarks.move': { request: SetRef.extend({ landmarkId: z.string(), x: z.number().finite(), y: z.number().finite() }), response: LandmarkSetSchema },
  'landmarks.place': { request: SetRef.extend({ landmarkId: z.string(), x: z.number().finite(), y: z.number().finite() }), response: LandmarkSetSchema },
  'landmarks.reset': { request: SetRef.extend({ landmarkId: z.string() }), response: LandmarkSetSchema },
  'landmarks.delete': { request: SetRef.extend({ landmarkId: z.string() }), response: LandmarkSetSchema },
  /** a flagged point looked at and kept where it is */
  'landmarks.accept': { request: SetRef.extend({ landmarkId: z.string() }), response: LandmarkSetSchema },
  /** the whole tracing reviewed (or back to not reviewed) */
  'landmarks.setReviewed': { request: SetRef.extend({ reviewed: z.boolean() }), response: LandmarkSetSchema },
  'landmarks.undo': { request: SetRef, response: LandmarkSetSchema },
  'landmarks.redo': { request: SetRef, response: LandmarkSetSchema },
  'landmarks.history': {
    request: SetRef,
    response: z.array(z.object({ editId: z.number().int(), at: z.string(), landmarkId: z.string(), kind: z.string(), undone: z.boolean() })),
  },
  /** back to the state right after edit editId (null: as the model left it); itself undoable */
  'landmarks.restore': { request: SetRef.extend({ editId: z.number().int().nullable() }), response: LandmarkSetSchema },
  'reports.create': {
    request: ImageRef.extend({ analyses: z.array(z.string()).min(1), format: z.enum(['pdf', 'csv', 'json']), anonymise: z.boolean().default(false), anonymiseDates: z.enum(['year', 'none']).default('year') }),
    response: z.object({ fileName: z.string(), mimeType: z.string(), dataBase64: z.string() }),
  },
  'clinic.status': { request: Empty, response: ClinicStatusSchema },
  /** learn a clinic model from the corrected cases (it is not put in use by itself) */
  'clinic.adapt': { request: Empty, response: ClinicStatusSchema },
  /** use a clinic model (one that beat the shipped model on held-out cases), or null: the shipped model */
  'clinic.use': { request: z.object({ id: z.string().nullable() }), response: ClinicStatusSchema },
  /** start the deep level in the background (LoRA fine-tuning on the corrected cases, a quarter of
   *  them held out to judge it); clinic.status reports its progress */
  'clinic.adaptDeep': {
    request: z.object({ epochs: z.number().int().positive().max(200).optional(), samplesPerEpoch: z.number().int().positive().max(1000).optional() }),
    response: ClinicStatusSchema,
  },
  /** stop the running deep adaptation (the same start later resumes nothing: it starts anew) */
  'clinic.cancelDeep': { request: Empty, response: ClinicStatusSchema },
  'batch.start': { request: z.object({ folder: z.string().min(1) }), response: z.object({ taskId: z.string() }) },
  'watch.status': { request: Empty, response: WatchStatusSchema },
  /** a full folder path to watch from now on (remembered), or null to stop watching */
  'watch.set': { request: z.object({ folder: z.string().trim().min(1).nullable() }), response: WatchStatusSchema },
  'dicom.receiver.status': { request: Empty, response: DicomReceiverStatusSchema },
  /** change the DICOM receiver's setup (remembered); enabled: false stops it */
  'dicom.receiver.set': { request: DicomReceiverConfigSchema, response: DicomReceiverStatusSchema },
  'pacs.status': { request: Empty, response: PacsStatusSchema },
  /** the PACS to work with (remembered), or null to forget it */
  'pacs.set': { request: z.object({ config: PacsConfigSchema.nullable() }), response: PacsStatusSchema },
  /** C-ECHO: does the configured PACS answer us? */
  'pacs.echo': { request: Empty, response: z.object({ ok: z.literal(true), ms: z.number().nonnegative() }) },
  /** studies on the PACS matching the query (C-FIND, study level; a name matches as a prefix) */
  'pacs.query': { request: PacsQuerySchema, response: z.object({ studies: z.array(PacsStudySchema) }) },
  /** pull a study to the app (C-MOVE to the receiver, which must be listening); its images are
   *  imported and traced as they arrive */
  'pacs.retrieve': {
    request: z.object({ studyUid: z.string().regex(/^[0-9.]{1,64}$/) }),
    response: z.object({ completed: z.number().int().nonnegative(), failed: z.number().int().nonnegative(), warnings: z.number().int().nonnegative() }),
  },
  /** store the case's tracing (SR) and report (Encapsulated PDF) to the PACS */
  'pacs.send': {
    request: z.object({ imageId: z.number().int().positive(), analyses: z.array(z.string()).min(1).max(20), kinds: z.array(ResultKindSchema).min(1).max(2) }),
    response: z.object({ outcomes: z.array(PacsSendOutcomeSchema) }),
  },
} as const;

export type ApiName = keyof typeof API;
export type ApiRequest<N extends ApiName> = z.input<(typeof API)[N]['request']>;
export type ApiResponse<N extends ApiName> = z.infer<(typeof API)[N]['response']>;

/** What a transport returns: a value or a typed error, never a thrown string. */
export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: AppErrorSchema }),
]);

export type ApiClient = { [N in ApiName]: (req: ApiRequest<N>) => Promise<ApiResponse<N>> };
