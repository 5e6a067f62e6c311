// Schema versions. Each migration runs once, in its own IMMEDIATE transaction together with the
// row that records it, so a crash mid-migration leaves the previous version intact and two
// processes opening an old file at the same time migrate it exactly once.
// Never edit a released migration: append a new one.
import { AppError } from '../../src-shared/errors.js';
import type { Db } from './open.js';
import { writeTx } from './tx.js';

export interface Migration {
  version: number;
  name: string;
  up: (db: Db) => void;
}

const sql = (text: string) => (db: Db) => {
  db.exec(text);
};

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'cases and landmarks',
    // STRICT tables: SQLite otherwise stores 'abc' in a REAL column without complaint.
    // Timestamps are ISO 8601 UTC text; dates are YYYY-MM-DD text.
    up: sql(`
      CREATE TABLE patients (
        id INTEGER PRIMARY KEY,
        external_id TEXT CHECK (external_id <> ''),
        name TEXT CHECK (name <> ''),
        birth_date TEXT CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        sex TEXT CHECK (sex IN ('M', 'F', 'O')),
        created_at TEXT NOT NULL
      ) STRICT;
      -- one patient per (external id, name); an image with neither gets a patient of its own
      -- rather than being lumped together with every other anonymous image
      CREATE UNIQUE INDEX patients_identity ON patients (ifnull(external_id, ''), ifnull(name, ''))
        WHERE external_id IS NOT NULL OR name IS NOT NULL;

      CREATE TABLE studies (
        id INTEGER PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
        study_uid TEXT UNIQUE CHECK (study_uid <> ''),
        study_date TEXT CHECK (study_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        description TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX studies_patient ON studies (patient_id);

      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        study_id INTEGER NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL UNIQUE,
        source_path TEXT NOT NULL,
        format TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        spacing_row_mm REAL,
        spacing_col_mm REAL,
        spacing_source TEXT NOT NULL DEFAULT 'none',
        orientation TEXT NOT NULL DEFAULT 'facing-right',
        ruler_mm_per_px REAL,
        ruler_x1 REAL,
        ruler_y1 REAL,
        ruler_x2 REAL,
        ruler_y2 REAL,
        ruler_length_mm REAL,
        created_at TEXT NOT NULL,
        CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
        CHECK (width > 0 AND height > 0),
        CHECK (spacing_source IN ('pixel-spacing', 'imager-pixel-spacing', 'nominal-scanned', 'user', 'none')),
        CHECK ((spacing_row_mm IS NULL) = (spacing_col_mm IS NULL)
           AND (spacing_row_mm IS NULL) = (spacing_source = 'none')
           AND ifnull(spacing_row_mm > 0 AND spacing_col_mm > 0, 1)),
        CHECK (orientation IN ('facing-right', 'facing-left')),
        -- the ruler is all there or all absent
        CHECK ((ruler_mm_per_px IS NULL) + (ruler_x1 IS NULL) + (ruler_y1 IS NULL) + (ruler_x2 IS NULL)
             + (ruler_y2 IS NULL) + (ruler_length_mm IS NULL) IN (0, 6)),
        CHECK (ifnull(ruler_mm_per_px > 0 AND ruler_length_mm > 0, 1))
      ) STRICT;
      CREATE INDEX images_study ON images (study_id);

      -- One run of a model on an image. The newest set of an image is its current one.
      CREATE TABLE landmark_sets (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        model_name TEXT NOT NULL CHECK (model_name <> ''),
        model_version TEXT NOT NULL CHECK (model_version <> ''),
        created_at TEXT NOT NULL,
        -- undo pointer: the last edit of the state the points table holds; NULL = model output
        head_edit_id INTEGER REFERENCES landmark_edits (id)
      ) STRICT;
      CREATE INDEX landmark_sets_image ON landmark_sets (image_id, id);

      -- What the model said, never changed: the target of resetPoint and the start of history.
      CREATE TABLE landmark_model_points (
        set_id INTEGER NOT NULL REFERENCES landmark_sets (id) ON DELETE CASCADE,
        landmark_id TEXT NOT NULL,
        x REAL NOT NULL,
        y REAL NOT NULL,
        confidence REAL CHECK (confidence BETWEEN 0 AND 1),
        PRIMARY KEY (set_id, landmark_id)
      ) STRICT, WITHOUT ROWID;

      -- The current state: a row per landmark that is on the image now (deleted = no row).
      CREATE TABLE landmark_points (
        set_id INTEGER NOT NULL REFERENCES landmark_sets (id) ON DELETE CASCADE,
        landmark_id TEXT NOT NULL,
        x REAL NOT NULL,
        y REAL NOT NULL,
        confidence REAL CHECK (confidence BETWEEN 0 AND 1),
        source TEXT NOT NULL CHECK (source IN ('model', 'hand')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (set_id, landmark_id)
      ) STRICT, WITHOUT ROWID;

      -- Every change to a point. Edits form a tree through parent_id (undo then a new edit starts
      -- a branch; the old branch stays restorable). Rows written by one user action share
      -- action_id and are undone together. AUTOINCREMENT: ids are never reused, so an ancestor
      -- always has a smaller id than its descendants.
      CREATE TABLE landmark_edits (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        set_id INTEGER NOT NULL REFERENCES landmark_sets (id) ON DELETE CASCADE,
        parent_id INTEGER REFERENCES landmark_edits (id),
        action_id INTEGER NOT NULL,
        at TEXT NOT NULL,
        landmark_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('move', 'place', 'reset', 'delete', 'restore')),
        from_x REAL,
        from_y REAL,
        from_source TEXT CHECK (from_source IN ('model', 'hand')),
        to_x REAL,
        to_y REAL,
        to_source TEXT CHECK (to_source IN ('model', 'hand')),
        CHECK ((from_x IS NULL) = (from_y IS NULL) AND (from_x IS NULL) = (from_source IS NULL)),
        CHECK ((to_x IS NULL) = (to_y IS NULL) AND (to_x IS NULL) = (to_source IS NULL))
      ) STRICT;
      CREATE INDEX landmark_edits_set ON landmark_edits (set_id, action_id);
      CREATE INDEX landmark_edits_parent ON landmark_edits (parent_id);
    `),
  },
  {
    version: 2,
    name: 'batch jobs',
    // A batch run over a folder, resumable: the file list is written first (pending), each file
    // is marked when done or failed, a restart picks up the pending ones.
    up: sql(`
      CREATE TABLE batch_jobs (
        id TEXT PRIMARY KEY CHECK (id <> ''),
        root TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX batch_jobs_root ON batch_jobs (root);

      CREATE TABLE batch_files (
        job_id TEXT NOT NULL REFERENCES batch_jobs (id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        image_id INTEGER REFERENCES images (id) ON DELETE SET NULL,
        error_code TEXT,
        error_message TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (job_id, path),
        CHECK ((status = 'failed') = (error_code IS NOT NULL) AND (error_code IS NULL) = (error_message IS NULL))
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX batch_files_status ON batch_files (job_id, status);
    `),
  },
  {
    version: 3,
    name: 'settings',
    // key -> JSON value; each key's schema lives in settings.ts
    up: sql(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY CHECK (key <> ''),
        value TEXT NOT NULL CHECK (json_valid(value)),
        updated_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `),
  },
  {
    version: 4,
    name: 'safety net',
    // What the model's checks said of each tracing (image_check: the verdict, orientation and
    // warnings, as JSON), each model point's stated uncertainty and review flag, which flagged
    // points a clinician accepted as they are, and when a tracing was marked reviewed. Per image:
    // the user's orientation (NULL: the check decides) and "trace anyway" for a refused image.
    up: sql(`
      ALTER TABLE landmark_model_points ADD COLUMN uncertainty_px REAL CHECK (uncertainty_px IS NULL OR uncertainty_px >= 0);
      ALTER TABLE landmark_model_points ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1));
      ALTER TABLE landmark_sets ADD COLUMN image_check TEXT CHECK (image_check IS NULL OR json_valid(image_check));
      ALTER TABLE landmark_sets ADD COLUMN reviewed_at TEXT;
      ALTER TABLE images ADD COLUMN orientation_override TEXT CHECK (orientation_override IS NULL OR json_valid(orientation_override));
      ALTER TABLE images ADD COLUMN trace_anyway INTEGER NOT NULL DEFAULT 0 CHECK (trace_anyway IN (0, 1));
      CREATE TABLE landmark_reviews (
        set_id INTEGER NOT NULL REFERENCES landmark_sets (id) ON DELETE CASCADE,
        landmark_id TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (set_id, landmark_id)
      ) STRICT, WITHOUT ROWID;
      -- a film the user had already marked as facing left stays that way
      UPDATE images SET orientation_override = '{"rotation":0,"mirrored":true,"inverted":false}' WHERE orientation = 'facing-left';
    `),
  },
  {
    version: 5,
    name: 'edits by client',
    // which client (a window, a browser tab, a command) made each edit: undo takes back only the
    // client's own; NULL for edits made before this version or by a caller that gives none
    up: sql(`ALTER TABLE landmark_edits ADD COLUMN client_id TEXT CHECK (client_id IS NULL OR length(client_id) BETWEEN 1 AND 64);`),
  },
  {
    version: 6,
    name: 'patient records, archive, audit',
    // an archived case leaves the case list but keeps everything; the audit keeps a line for each
    // change of a patient record and each archived, restored or deleted case (no foreign key: the
    // line outlives the case it names)
    up: sql(`
      ALTER TABLE images ADD COLUMN archived_at TEXT;
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('patient_edited', 'case_archived', 'case_restored', 'case_deleted')),
        image_id INTEGER,
        details TEXT NOT NULL CHECK (json_valid(details))
      ) STRICT;
      CREATE INDEX audit_image ON audit (image_id);
    `),
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

const VERSION_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`;

export function schemaVersion(db: Db): number {
  const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
  if (!has) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

export interface MigrateOptions {
  /** Stop at this version (tests build old files this way). Default: the latest. */
  target?: number;
  migrations?: readonly Migration[];
  now?: () => Date;
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: number[];
}

export function migrate(db: Db, opts: MigrateOptions = {}): MigrateResult {
  const migrations = opts.migrations ?? MIGRATIONS;
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const target = opts.target ?? latest;
  const now = opts.now ?? (() => new Date());
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new AppError('internal', `migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });

  const from = schemaVersion(db);
  if (from > latest) {
    // an older app must not write to a file whose meaning it does not know
    throw new AppError('unsupported', `the case database is at schema version ${from}; this version of MedSapiens knows up to ${latest}`, {
      version: from,
      latest,
    });
  }
  // the common case takes no write lock at all: re-opening a current file is read-only
  if (from >= target) return { from, to: from, applied: [] };

  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version > target) break;
    writeTx(db, () => {
      db.exec(VERSION_TABLE);
      // re-read under the write lock: another process may have migrated since we looked
      if (schemaVersion(db) >= m.version) return;
      m.up(db);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length) throw new AppError('internal', `migration ${m.version} (${m.name}) broke ${broken.length} foreign key(s)`);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now().toISOString());
      applied.push(m.version);
    });
  }
  return { from, to: schemaVersion(db), applied };
}
