// The case store: one database file, opened and migrated, with the repositories behind one
// object. This is the boundary: every argument is parsed with zod here, and every failure leaves
// as an AppError.
import { z } from 'zod';
import type { AppError } from '../../src-shared/errors.js';
import { OrientationSchema, type ImageCheckData } from '../../src-shared/image-check.js';
import { type CaseRepository, type CaseSummary, createCaseRepository, type ImportResult } from './cases.js';
import {
  CreateJobInput,
  FileMarkInput,
  FilePath,
  Id,
  ImportImageInput,
  JobIdInput,
  ListCasesInput,
  ModelInfoInput,
  ModelPointsInput,
  PatientRecordInput,
  parseInput,
  PointEditInput,
  PointRefInput,
  RulerInput,
} from './inputs.js';
import { createJobRepository, type JobSummary } from './jobs.js';
import { createLandmarkRepository, type EditBy, type History, type LandmarkState } from './landmarks.js';
import { type MigrateResult, migrate } from './migrations.js';
import { createSettingsRepository, type SettingKey, type SettingValue } from './settings.js';
import { type Db, openDatabase } from './open.js';
import { resolveDbPath } from './paths.js';
import { type Image, type Job, type JobFile, type LandmarkSet, ORIENTATIONS, type Orientation, type Patient, type Study } from './rows.js';
import { toDbError, writeTx } from './tx.js';

export interface CaseStoreOptions {
  /** database file; default MEDSAPIENS_DB, else cases.sqlite in the user's data folder */
  path?: string;
  /** clock for the timestamps (tests) */
  now?: () => Date;
  busyTimeoutMs?: number;
}

export interface CaseDetail {
  patient: Patient;
  study: Study;
  image: Image;
  /** every landmark set of the image, newest first */
  sets: LandmarkSet[];
  /** the newest set with its points, or null when no model has run on the image yet */
  landmarks: LandmarkState | null;
}

export interface ImportWithLandmarksResult extends ImportResult {
  landmarks: LandmarkState;
  /** false: the image already had a landmark set, which is returned instead of adding another */
  landmarksCreated: boolean;
}

export type ModelPointInput = z.input<typeof ModelPointsInput>[number];

export interface CaseStore {
  readonly path: string;
  /** what migrations ran when the store was opened */
  readonly migration: MigrateResult;
  close(): void;

  importImageRecord(input: z.input<typeof ImportImageInput>): ImportResult;
  importWithLandmarks(input: { image: z.input<typeof ImportImageInput>; model: string; version: string; points: ModelPointInput[]; check?: ImageCheckData }): ImportWithLandmarksResult;
  listCases(query?: z.input<typeof ListCasesInput>): CaseSummary[];
  getCase(imageId: number): CaseDetail;
  setRuler(imageId: number, ruler: z.input<typeof RulerInput>): Image;
  setOrientation(imageId: number, orientation: Orientation): Image;
  /** how the film is stored, by the user's word; null: the orientation check decides */
  setOrientationOverride(imageId: number, orientation: z.input<typeof OrientationSchema> | null): Image;
  /** trace and measure an image the check refused as not a cephalogram */
  setTraceAnyway(imageId: number, on: boolean): Image;
  /** the case's patient record, edited (or the case filed under the patient with that name and ID) */
  editPatient(imageId: number, record: z.input<typeof PatientRecordInput>): Patient;
  setArchived(imageId: number, archived: boolean): Image;
  /** the case removed; returns its image hash for the image library */
  deleteCase(imageId: number): { sha256: string };
  auditLog(imageId?: number): ReturnType<CaseRepository['auditLog']>;
  acceptPoint(setId: number, landmarkId: string): LandmarkState;
  setReviewed(setId: number, reviewed: boolean): LandmarkState;

  saveModelLandmarks(imageId: number, model: string, version: string, points: ModelPointInput[], check?: ImageCheckData): LandmarkState;
  /** the image's current set, or a new empty one for tracing by hand */
  createEmptySet(imageId: number, model: string, version: string): LandmarkState;
  getLandmarks(setId: number): LandmarkState;
  movePoint(setId: number, landmarkId: string, x: number, y: number, by?: EditBy): LandmarkState;
  placePoint(setId: number, landmarkId: string, x: number, y: number, by?: EditBy): LandmarkState;
  resetPoint(setId: number, landmarkId: string, by?: EditBy): LandmarkState;
  deletePoint(setId: number, landmarkId: string, by?: EditBy): LandmarkState;
  undo(setId: number, by?: EditBy): LandmarkState;
  redo(setId: number, by?: EditBy): LandmarkState;
  history(setId: number): History;
  restoreTo(setId: number, editId: number | null, by?: EditBy): LandmarkState;

  createJob(input: z.input<typeof CreateJobInput>): Job;
  addFiles(jobId: string, files: string[]): number;
  markFile(jobId: string, file: string, mark: z.input<typeof FileMarkInput>): JobFile;
  pendingFiles(jobId: string, opts?: { includeFailed?: boolean; limit?: number }): string[];
  jobSummary(jobId: string): JobSummary;
  jobFiles(jobId: string): JobFile[];
  listJobs(opts?: { root?: string }): Job[];

  getSetting<K extends SettingKey>(key: K): SettingValue<K> | null;
  /** null clears it */
  setSetting<K extends SettingKey>(key: K, value: SettingValue<K> | null): void;
}

const PendingOpts = z.object({ includeFailed: z.boolean().optional(), limit: z.number().int().positive().optional() }).default({});
const ListJobsOpts = z.object({ root: z.string().min(1).optional() }).default({});
const EditRef = z.number().int().positive().nullable();
const EditByInput = z.object({ clientId: z.string().min(1).max(64).optional(), baseVersion: z.number().int().nonnegative().optional() }).optional();
const editBy = (by: EditBy | undefined) => parseInput(EditByInput, by, 'editor');

/** Every method reports failures as AppError (SQLite errors mapped by toDbError). */
function guarded<T extends object>(api: T): T {
  const out = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(api)) {
    out[k] =
      typeof v === 'function'
        ? (...args: unknown[]) => {
            try {
              return (v as (...a: unknown[]) => unknown)(...args);
            } catch (e) {
              throw toDbError(e) satisfies AppError;
            }
          }
        : v;
  }
  return out as T;
}

export function createCaseStore(opts: CaseStoreOptions = {}): CaseStore {
  const file = resolveDbPath(opts.path);
  const now = opts.now ?? (() => new Date());
  const db: Db = openDatabase(file, { busyTimeoutMs: opts.busyTimeoutMs });
  let migration: MigrateResult;
  try {
    migration = migrate(db, { now });
  } catch (e) {
    db.close();
    throw toDbError(e);
  }
  const cases = createCaseRepository(db, now);
  const marks = createLandmarkRepository(db, now);
  const jobs = createJobRepository(db, now);
  const settings = createSettingsRepository(db, now);

  const setId = (v: unknown) => parseInput(Id, v, 'landmark set id');
  const imageId = (v: unknown) => parseInput(Id, v, 'image id');
  const jobId = (v: unknown) => parseInput(JobIdInput, v, 'job id');

  const api: Omit<CaseStore, 'path' | 'migration'> = {
    close() {
      if (db.open) db.close();
    },

    importImageRecord(input) {
      return cases.importImageRecord(parseInput(ImportImageInput, input, 'image record'));
    },

    /** Image + its first landmark set in one transaction: never an image without its landmarks
     * because the process died in between. Re-importing the same file returns what is there. */
    importWithLandmarks(input) {
      const image = parseInput(ImportImageInput, input?.image, 'image record');
      const model = parseInput(ModelInfoInput, { name: input?.model, version: input?.version, check: input?.check }, 'model');
      const points = parseInput(ModelPointsInput, input?.points, 'landmarks');
      return writeTx(db, () => {
        const imported = cases.importImageRecord(image);
        const existing = imported.created ? null : marks.currentSetId(imported.image.id);
        const landmarks = existing !== null ? marks.state(existing) : marks.saveModelLandmarks(imported.image.id, model, points);
        return { ...imported, landmarks, landmarksCreated: existing === null };
      });
    },

    listCases(query) {
      return cases.listCases(parseInput(ListCasesInput, query, 'case query'));
    },

    getCase(id) {
      const imgId = imageId(id);
      // one read snapshot, so the image, its sets and the points belong together
      return db.transaction(() => {
        const image = cases.loadImage(imgId);
        const { patient, study } = cases.caseOf(image);
        const sets = marks.setsOfImage(imgId);
        return { patient, study, image, sets, landmarks: sets.length ? marks.state(sets[0].id) : null };
      }).deferred();
    },

    setRuler(id, ruler) {
      return cases.setRuler(imageId(id), parseInput(RulerInput, ruler, 'ruler'));
    },

    setOrientation(id, orientation) {
      return cases.setOrientation(imageId(id), parseInput(z.enum(ORIENTATIONS), orientation, 'orientation'));
    },

    saveModelLandmarks(id, model, version, points, check) {
      return marks.saveModelLandmarks(imageId(id), parseInput(ModelInfoInput, { name: model, version, check }, 'model'), parseInput(ModelPointsInput, points, 'landmarks'));
    },

    setOrientationOverride(id, orientation) {
      return cases.setOrientationOverride(imageId(id), orientation === null ? null : parseInput(OrientationSchema, orientation, 'orientation'));
    },

    setTraceAnyway(id, on) {
      return cases.setTraceAnyway(imageId(id), parseInput(z.boolean(), on, 'trace anyway'));
    },

    editPatient(id, record) {
      return cases.editPatient(imageId(id), parseInput(PatientRecordInput, record, 'patient record'));
    },

    setArchived(id, archived) {
      return cases.setArchived(imageId(id), parseInput(z.boolean(), archived, 'archived'));
    },

    deleteCase(id) {
      return cases.deleteCase(imageId(id));
    },

    auditLog(id) {
      return cases.auditLog(id === undefined ? undefined : imageId(id));
    },

    acceptPoint(id, landmarkId) {
      const ref = parseInput(PointRefInput, { setId: id, landmarkId }, 'point');
      return marks.acceptPoint(ref.setId, ref.landmarkId);
    },

    setReviewed(id, reviewed) {
      return marks.setReviewed(setId(id), parseInput(z.boolean(), reviewed, 'reviewed'));
    },

    createEmptySet(id, model, version) {
      const imgId = imageId(id);
      const info = parseInput(ModelInfoInput, { name: model, version }, 'model');
      return writeTx(db, () => {
        const existing = marks.currentSetId(imgId);
        return existing !== null ? marks.state(existing) : marks.saveModelLandmarks(imgId, info, []);
      });
    },

    getLandmarks(id) {
      const s = setId(id);
      return db.transaction(() => marks.state(s)).deferred();
    },

    movePoint(set, landmark, x, y, by) {
      const p = parseInput(PointEditInput, { setId: set, landmarkId: landmark, x, y }, 'point move');
      return marks.movePoint(p.setId, p.landmarkId, p.x, p.y, editBy(by));
    },

    placePoint(set, landmark, x, y, by) {
      const p = parseInput(PointEditInput, { setId: set, landmarkId: landmark, x, y }, 'point placement');
      return marks.placePoint(p.setId, p.landmarkId, p.x, p.y, editBy(by));
    },

    resetPoint(set, landmark, by) {
      const p = parseInput(PointRefInput, { setId: set, landmarkId: landmark }, 'point reset');
      return marks.resetPoint(p.setId, p.landmarkId, editBy(by));
    },

    deletePoint(set, landmark, by) {
      const p = parseInput(PointRefInput, { setId: set, landmarkId: landmark }, 'point deletion');
      return marks.deletePoint(p.setId, p.landmarkId, editBy(by));
    },

    undo(set, by) {
      return marks.undo(setId(set), editBy(by));
    },

    redo(set, by) {
      return marks.redo(setId(set), editBy(by));
    },

    history(set) {
      const s = setId(set);
      return db.transaction(() => marks.history(s)).deferred();
    },

    restoreTo(set, editId, by) {
      return marks.restoreTo(setId(set), parseInput(EditRef, editId, 'edit id'), editBy(by));
    },

    createJob(input) {
      return jobs.createJob(parseInput(CreateJobInput, input, 'batch job'));
    },

    addFiles(id, files) {
      return jobs.addFiles(jobId(id), parseInput(z.array(FilePath), files, 'file list'));
    },

    markFile(id, file, mark) {
      return jobs.markFile(jobId(id), parseInput(FilePath, file, 'file path'), parseInput(FileMarkInput, mark, 'file status'));
    },

    pendingFiles(id, o) {
      return jobs.pendingFiles(jobId(id), parseInput(PendingOpts, o, 'options'));
    },

    jobFiles(id) {
      return jobs.jobFiles(jobId(id));
    },

    jobSummary(id) {
      return jobs.jobSummary(jobId(id));
    },

    listJobs(o) {
      return jobs.listJobs(parseInput(ListJobsOpts, o, 'options'));
    },

    getSetting(key) {
      return settings.get(key);
    },

    setSetting(key, value) {
      writeTx(db, () => settings.set(key, value));
    },
  };

  return { path: file, migration, ...guarded(api) };
}
