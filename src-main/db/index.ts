// The case database service: createCaseStore() and the types it speaks.
export { createCaseStore } from './store.js';
export type { CaseDetail, CaseStore, CaseStoreOptions, ImportWithLandmarksResult, ModelPointInput } from './store.js';
export type { CaseSummary, ImportResult } from './cases.js';
export type { History, HistoryEntry, LandmarkState } from './landmarks.js';
export type { FileMark, JobSummary } from './jobs.js';
export type { Edit, EditKind, FileStatus, Image, Job, JobFile, LandmarkPoint, LandmarkSet, ModelPoint, Orientation, Patient, PointSource, PointState, Ruler, SpacingSource, Study } from './rows.js';
export { EDIT_KINDS, FILE_STATUSES, ORIENTATIONS, POINT_SOURCES, SPACING_SOURCES } from './rows.js';
export { defaultDbPath, resolveDbPath, userDataDir } from './paths.js';
export { LATEST_VERSION, migrate, schemaVersion } from './migrations.js';
export { connectionSettings, openDatabase } from './open.js';
