// Patients, studies and images: importing an image record (idempotent on the content hash),
// finding cases, and the per-image settings (ruler, orientation).
import type { z } from 'zod';
import type { OrientationSchema } from '../../src-shared/image-check.js';
import { AppError } from '../../src-shared/errors.js';
import type { ImportImageInput, PatientRecordInput } from './inputs.js';
import type { Db } from './open.js';
import {
  type CaseSummary,
  CaseSummaryRow,
  type Image,
  ImageRow,
  type Orientation,
  type Patient,
  PatientRow,
  parseRow,
  parseRows,
  type Study,
  StudyRow,
} from './rows.js';
import { buildSearch } from './search.js';
import { writeTx } from './tx.js';

export type ImportImageData = z.output<typeof ImportImageInput>;

export type { CaseSummary };

type OrientationData = z.infer<typeof OrientationSchema>;
export type AuditAction = 'patient_edited' | 'case_archived' | 'case_restored' | 'case_deleted';

export interface ImportResult {
  /** false: an image with the same content hash was already there and is returned unchanged */
  created: boolean;
  patient: Patient;
  study: Study;
  image: Image;
}

export interface RulerData {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  lengthMm: number;
}

// A case's id is never given to another: clients keep what they showed under it (the viewer's
// pixels, previews) and the audit names deleted cases by it. SQLite would hand the id of a deleted
// newest case to the next import, so the next id is also above every deleted case's (its audit line).
const NEXT_IMAGE_ID = `(SELECT max(coalesce((SELECT max(id) FROM images), 0),
  coalesce((SELECT max(image_id) FROM audit WHERE action = 'case_deleted'), 0)) + 1)`;

export function createCaseRepository(db: Db, now: () => Date) {
  const q = {
    imageBySha: db.prepare('SELECT * FROM images WHERE sha256 = ?'),
    image: db.prepare('SELECT * FROM images WHERE id = ?'),
    study: db.prepare('SELECT * FROM studies WHERE id = ?'),
    studyByUid: db.prepare('SELECT * FROM studies WHERE study_uid = ?'),
    patient: db.prepare('SELECT * FROM patients WHERE id = ?'),
    // same expressions and WHERE as the patients_identity index, so the lookup uses it
    patientByIdentity: db.prepare(`
      SELECT * FROM patients
      WHERE ifnull(external_id, '') = @externalId AND ifnull(name, '') = @name AND (external_id IS NOT NULL OR name IS NOT NULL)`),
    insertPatient: db.prepare(`
      INSERT INTO patients (external_id, name, birth_date, sex, created_at)
      VALUES (@externalId, @name, @birthDate, @sex, @at) RETURNING *`),
    insertStudy: db.prepare(`
      INSERT INTO studies (patient_id, study_uid, study_date, description, created_at)
      VALUES (@patientId, @studyUid, @studyDate, @description, @at) RETURNING *`),
    insertImage: db.prepare(`
      INSERT INTO images (id, study_id, sha256, source_path, format, width, height, spacing_row_mm, spacing_col_mm, spacing_source, orientation, created_at)
      VALUES (${NEXT_IMAGE_ID}, @studyId, @sha256, @sourcePath, @format, @width, @height, @rowMm, @colMm, @spacingSource, @orientation, @at) RETURNING *`),
    setRuler: db.prepare(`
      UPDATE images SET ruler_mm_per_px = @mmPerPx, ruler_x1 = @x1, ruler_y1 = @y1, ruler_x2 = @x2, ruler_y2 = @y2, ruler_length_mm = @lengthMm
      WHERE id = @id RETURNING *`),
    setOrientation: db.prepare('UPDATE images SET orientation = ? WHERE id = ? RETURNING *'),
    setOverride: db.prepare('UPDATE images SET orientation_override = ?, orientation = ? WHERE id = ? RETURNING *'),
    setTraceAnyway: db.prepare('UPDATE images SET trace_anyway = ? WHERE id = ? RETURNING *'),
    updatePatient: db.prepare('UPDATE patients SET external_id = @externalId, name = @name, birth_date = @birthDate, sex = @sex WHERE id = @id RETURNING *'),
    moveStudy: db.prepare('UPDATE studies SET patient_id = ? WHERE id = ?'),
    studiesOfPatient: db.prepare('SELECT count(*) AS n FROM studies WHERE patient_id = ?'),
    imagesOfStudy: db.prepare('SELECT count(*) AS n FROM images WHERE study_id = ?'),
    deletePatient: db.prepare('DELETE FROM patients WHERE id = ?'),
    deleteStudy: db.prepare('DELETE FROM studies WHERE id = ?'),
    deleteImage: db.prepare('DELETE FROM images WHERE id = ?'),
    setArchived: db.prepare('UPDATE images SET archived_at = ? WHERE id = ? RETURNING *'),
    audit: db.prepare('INSERT INTO audit (at, action, image_id, details) VALUES (?, ?, ?, ?)'),
    auditOf: db.prepare('SELECT id, at, action, image_id AS imageId, details FROM audit WHERE @imageId IS NULL OR image_id = @imageId ORDER BY id'),
  };
  const count = (stmt: { get(...a: unknown[]): unknown }, ...a: unknown[]) => (stmt.get(...a) as { n: number }).n;
  const audit = (action: AuditAction, imageId: number, details: Record<string, unknown>) => q.audit.run(now().toISOString(), action, imageId, JSON.stringify(details));
  const recordOf = (p: Patient) => ({ name: p.name, externalId: p.externalId, birthDate: p.birthDate, sex: p.sex });

  function loadImage(imageId: number): Image {
    const row = q.image.get(imageId);
    if (!row) throw new AppError('not_found', `no image ${imageId}`, { imageId });
    return parseRow(ImageRow, row, 'images');
  }

  function findOrCreatePatient(p: ImportImageData['patient'], at: string): Patient {
    const externalId = p.externalId ?? null;
    const name = p.name ?? null;
    if (externalId !== null || name !== null) {
      const row = q.patientByIdentity.get({ externalId: externalId ?? '', name: name ?? '' });
      if (row) return parseRow(PatientRow, row, 'patients');
    }
    return parseRow(PatientRow, q.insertPatient.get({ externalId, name, birthDate: p.birthDate ?? null, sex: p.sex ?? null, at }), 'patients');
  }

  /** Reuses the study with the same UID; without a UID (a PNG, a scan) each image is its own study,
   * since nothing says two such images belong together. */
  function findOrCreateStudy(input: ImportImageData, at: string): { patient: Patient; study: Study } {
    const uid = input.study.studyUid ?? null;
    if (uid !== null) {
      const row = q.studyByUid.get(uid);
      if (row) {
        const study = parseRow(StudyRow, row, 'studies');
        const patient = parseRow(PatientRow, q.patient.get(study.patientId), 'patients');
        const externalId = input.patient.externalId ?? null;
        const name = input.patient.name ?? null;
        if (patient.externalId !== externalId || patient.name !== name) {
          // a study UID is globally unique: a second patient for it means mixed-up or badly
          // anonymised files, which must not be filed silently under either patient
          throw new AppError('conflict', `study ${uid} is already filed under another patient`, { studyUid: uid, patientId: patient.id });
        }
        return { patient, study };
      }
    }
    const patient = findOrCreatePatient(input.patient, at);
    const study = parseRow(
      StudyRow,
      q.insertStudy.get({ patientId: patient.id, studyUid: uid, studyDate: input.study.studyDate ?? null, description: input.study.description ?? null, at }),
      'studies',
    );
    return { patient, study };
  }

  function caseOf(image: Image): { patient: Patient; study: Study } {
    const study = parseRow(StudyRow, q.study.get(image.studyId), 'studies');
    const patient = parseRow(PatientRow, q.patient.get(study.patientId), 'patients');
    return { patient, study };
  }

  return {
    loadImage,
    caseOf,

    /** Idempotent on the content hash: importing the same bytes again (another path, a re-run
     * batch, a second process at the same moment) returns the existing records unchanged. */
    importImageRecord(input: ImportImageData): ImportResult {
      return writeTx(db, () => {
        const existing = q.imageBySha.get(input.sha256);
        if (existing) {
          const image = parseRow(ImageRow, existing, 'images');
          return { created: false, ...caseOf(image), image };
        }
        const at = now().toISOString();
        const { patient, study } = findOrCreateStudy(input, at);
        const image = parseRow(
          ImageRow,
          q.insertImage.get({
            studyId: study.id,
            sha256: input.sha256,
            sourcePath: input.sourcePath,
            format: input.format,
            width: input.width,
            height: input.height,
            rowMm: input.spacing?.rowMm ?? null,
            colMm: input.spacing?.colMm ?? null,
            spacingSource: input.spacing?.source ?? 'none',
            orientation: input.orientation,
            at,
          }),
          'images',
        );
        return { created: true, patient, study, image };
      });
    },

    /** The patient record of the case's patient, edited. Giving it the name and ID of another
     *  patient files the case's study under that patient (two records of one person become one);
     *  otherwise the record is changed for every study of the patient. Audited. */
    editPatient(imageId: number, record: PatientRecordInput): Patient {
      return writeTx(db, () => {
        const image = loadImage(imageId);
        const { patient, study } = caseOf(image);
        const before = recordOf(patient);
        const row = record.externalId !== null || record.name !== null ? q.patientByIdentity.get({ externalId: record.externalId ?? '', name: record.name ?? '' }) : undefined;
        const other = row ? parseRow(PatientRow, row, 'patients') : null;
        let after: Patient;
        if (other && other.id !== patient.id) {
          q.moveStudy.run(other.id, study.id);
          after = parseRow(
            PatientRow,
            q.updatePatient.get({ id: other.id, externalId: other.externalId, name: other.name, birthDate: record.birthDate ?? other.birthDate, sex: record.sex ?? other.sex }),
            'patients',
          );
          if (count(q.studiesOfPatient, patient.id) === 0) q.deletePatient.run(patient.id);
          audit('patient_edited', imageId, { before, after: recordOf(after), filedUnder: other.id, from: patient.id });
        } else {
          after = parseRow(PatientRow, q.updatePatient.get({ id: patient.id, ...record }), 'patients');
          audit('patient_edited', imageId, { before, after: recordOf(after), studies: count(q.studiesOfPatient, patient.id) });
        }
        return after;
      });
    },

    /** Out of the case list (or back in it); nothing is removed. Audited. */
    setArchived(imageId: number, archived: boolean): Image {
      return writeTx(db, () => {
        const image = loadImage(imageId);
        if ((image.archivedAt !== null) === archived) return image;
        const row = parseRow(ImageRow, q.setArchived.get(archived ? now().toISOString() : null, imageId), 'images');
        audit(archived ? 'case_archived' : 'case_restored', imageId, { sha256: image.sha256 });
        return row;
      });
    },

    /** The case and its tracings, gone; its study and patient too when nothing else is filed under
     *  them. The audit keeps what was deleted (not the patient's name). Returns the image's hash,
     *  for the image library's copy. */
    deleteCase(imageId: number): { sha256: string } {
      return writeTx(db, () => {
        const image = loadImage(imageId);
        const { patient, study } = caseOf(image);
        q.deleteImage.run(imageId);
        if (count(q.imagesOfStudy, study.id) === 0) q.deleteStudy.run(study.id);
        if (count(q.studiesOfPatient, patient.id) === 0) q.deletePatient.run(patient.id);
        audit('case_deleted', imageId, { sha256: image.sha256, format: image.format, studyUid: study.studyUid, studyDate: study.studyDate, patientRecord: patient.id, importedAt: image.createdAt });
        return { sha256: image.sha256 };
      });
    },

    auditLog(imageId?: number): { id: number; at: string; action: AuditAction; imageId: number | null; details: Record<string, unknown> }[] {
      return (q.auditOf.all({ imageId: imageId ?? null }) as { id: number; at: string; action: AuditAction; imageId: number | null; details: string }[]).map((r) => ({ ...r, details: JSON.parse(r.details) }));
    },

    listCases(query: { search?: string; patientId?: number; archived?: boolean; sort?: 'imported' | 'study'; limit: number; offset: number }): CaseSummary[] {
      const where = buildSearch(query.search, { name: 'p.name', externalId: 'p.external_id', studyDate: 's.study_date', fileName: 'i.source_path' });
      const rows = db
        .prepare(
          `SELECT i.id AS imageId, p.id AS patientId, p.external_id AS patientExternalId, p.name AS patientName,
                  p.birth_date AS birthDate, p.sex AS sex, s.id AS studyId, s.study_uid AS studyUid,
                  s.study_date AS studyDate, s.description AS studyDescription, i.source_path AS sourcePath,
                  i.format AS format, i.width AS width, i.height AS height, i.created_at AS importedAt, i.archived_at AS archivedAt,
                  cs.id AS currentSetId, cs.image_check AS imageCheck, cs.reviewed_at AS reviewedAt, i.trace_anyway AS traceAnyway,
                  (SELECT count(*) FROM landmark_points hp WHERE hp.set_id = cs.id AND hp.source = 'hand') AS handPoints,
                  (SELECT count(*) FROM landmark_model_points mp
                     JOIN landmark_points lp ON lp.set_id = mp.set_id AND lp.landmark_id = mp.landmark_id AND lp.source = 'model'
                   WHERE mp.set_id = cs.id AND mp.flagged = 1
                     AND NOT EXISTS (SELECT 1 FROM landmark_reviews r WHERE r.set_id = mp.set_id AND r.landmark_id = mp.landmark_id)) AS toReview
           FROM images i
           LEFT JOIN landmark_sets cs ON cs.id = (SELECT max(ls.id) FROM landmark_sets ls WHERE ls.image_id = i.id) JOIN studies s ON s.id = i.study_id JOIN patients p ON p.id = s.patient_id
           WHERE ${where.sql} AND (@patientId IS NULL OR p.id = @patientId) AND (i.archived_at IS NOT NULL) = @archived
           ORDER BY ${query.sort === 'study' ? 's.study_date DESC NULLS LAST, i.id DESC' : 'i.created_at DESC, i.id DESC'}
           LIMIT @limit OFFSET @offset`,
        )
        .all({ ...where.params, patientId: query.patientId ?? null, archived: query.archived ? 1 : 0, limit: query.limit, offset: query.offset });
      return parseRows(CaseSummaryRow, rows, 'case list');
    },

    /** Sets (or with null clears) the ruler calibration from two points on the image and the
     * length the user says lies between them. */
    setRuler(imageId: number, ruler: RulerData | null): Image {
      return writeTx(db, () => {
        const img = loadImage(imageId);
        if (ruler === null) {
          return parseRow(ImageRow, q.setRuler.get({ id: imageId, mmPerPx: null, x1: null, y1: null, x2: null, y2: null, lengthMm: null }), 'images');
        }
        for (const [x, y] of [
          [ruler.x1, ruler.y1],
          [ruler.x2, ruler.y2],
        ]) {
          if (x < 0 || y < 0 || x > img.width || y > img.height) {
            throw new AppError('bad_request', `ruler point (${x}, ${y}) is outside the ${img.width}x${img.height} image`);
          }
        }
        const mmPerPx = ruler.lengthMm / Math.hypot(ruler.x2 - ruler.x1, ruler.y2 - ruler.y1);
        return parseRow(ImageRow, q.setRuler.get({ id: imageId, mmPerPx, ...ruler }), 'images');
      });
    },

    setOrientation(imageId: number, orientation: Orientation): Image {
      return writeTx(db, () => {
        loadImage(imageId);
        // the old left/right switch is the user's word on the orientation too
        return parseRow(ImageRow, q.setOverride.get(JSON.stringify({ rotation: 0, mirrored: orientation === 'facing-left', inverted: false }), orientation, imageId), 'images');
      });
    },

    /** The user's word on how the film is stored, or null to let the orientation check decide. */
    setOrientationOverride(imageId: number, o: OrientationData | null): Image {
      return writeTx(db, () => {
        loadImage(imageId);
        return parseRow(ImageRow, q.setOverride.get(o ? JSON.stringify(o) : null, o?.mirrored ? 'facing-left' : 'facing-right', imageId), 'images');
      });
    },

    setTraceAnyway(imageId: number, on: boolean): Image {
      return writeTx(db, () => {
        loadImage(imageId);
        return parseRow(ImageRow, q.setTraceAnyway.get(on ? 1 : 0, imageId), 'images');
      });
    },
  };
}

export type CaseRepository = ReturnType<typeof createCaseRepository>;
