// Landmark sets, their points and the edit log behind undo/redo/restore.
//
// Model: landmark_model_points holds what the model said (immutable), landmark_points the current
// state, landmark_edits every change as (from, to) of one point. Edits form a tree through
// parent_id; landmark_sets.head_edit_id says which node the current state corresponds to.
//   - an edit appends children below the head and moves the head to the last of them;
//   - undo applies the 'from' of the head's action (newest row first) and moves the head to the
//     action's parent; redo applies the 'to' of the newest child action of the head;
//   - the state after edit E = model output + the 'to' of every edit on the path root..E, which is
//     what restoreTo writes (as new 'restore' edits, so the restore itself can be undone).
// All of it lives in the file, so undo/redo work the same after the app is restarted.
import { AppError } from '../../src-shared/errors.js';
import { ALL_LANDMARKS } from '../../src-shared/landmarks.js';
import type { ImageCheckData } from '../../src-shared/image-check.js';
import type { Db } from './open.js';
import {
  type Edit,
  EditRow,
  type EditKind,
  type LandmarkPoint,
  type LandmarkSet,
  LandmarkSetRow,
  type ModelPoint,
  ModelPointRow,
  parseRow,
  parseRows,
  type PointState,
  PointRow,
} from './rows.js';
import { writeTx } from './tx.js';

/** Who makes an edit and on which version of the tracing it was made (both optional: a caller
 *  that gives none edits whatever the tracing is now, as the command line does). */
export interface EditBy {
  /** a window, browser tab or command; its edits are its own to undo */
  clientId?: string;
  /** the version (LandmarkSet.headEditId, 0 for none) the client saw; another is a conflict */
  baseVersion?: number;
}

export interface LandmarkState {
  set: LandmarkSet;
  /** the points on the image now, in the order of src-shared/landmarks.ts */
  points: LandmarkPoint[];
  /** the model's output for this set, for "reset" and for showing what was changed */
  modelPoints: ModelPoint[];
  /** flagged points a clinician looked at and accepted as they are */
  accepted: Set<string>;
  canUndo: boolean;
  canRedo: boolean;
}

export interface HistoryEntry extends Edit {
  /** on the path from the model output to the current state (false: undone or on another branch) */
  applied: boolean;
}

export interface History {
  set: LandmarkSet;
  /** oldest first */
  entries: HistoryEntry[];
}

export interface ModelPointData {
  landmarkId: string;
  x: number;
  y: number;
  confidence: number | null;
  uncertaintyPx?: number | null;
  flagged?: boolean;
}

interface Change {
  landmarkId: string;
  kind: EditKind;
  to: PointState | null;
}

const ORDER = new Map(ALL_LANDMARKS.map((l, i) => [l.id, i]));
const byLandmark = <T extends { landmarkId: string }>(a: T, b: T) =>
  (ORDER.get(a.landmarkId) ?? 1e9) - (ORDER.get(b.landmarkId) ?? 1e9) || a.landmarkId.localeCompare(b.landmarkId);

function samePoint(a: PointState | null, b: PointState | null): boolean {
  if (a === null || b === null) return a === b;
  return a.x === b.x && a.y === b.y && a.source === b.source;
}

export function createLandmarkRepository(db: Db, now: () => Date) {
  const q = {
    set: db.prepare('SELECT * FROM landmark_sets WHERE id = ?'),
    setsOfImage: db.prepare('SELECT * FROM landmark_sets WHERE image_id = ? ORDER BY id DESC'),
    currentSet: db.prepare('SELECT * FROM landmark_sets WHERE image_id = ? ORDER BY id DESC LIMIT 1'),
    imageOfSet: db.prepare('SELECT i.id, i.width, i.height FROM images i JOIN landmark_sets s ON s.image_id = i.id WHERE s.id = ?'),
    imageExists: db.prepare('SELECT 1 FROM images WHERE id = ?'),
    insertSet: db.prepare('INSERT INTO landmark_sets (image_id, model_name, model_version, created_at, image_check) VALUES (?, ?, ?, ?, ?)'),
    insertModelPoint: db.prepare('INSERT INTO landmark_model_points (set_id, landmark_id, x, y, confidence, uncertainty_px, flagged) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    reviews: db.prepare('SELECT landmark_id FROM landmark_reviews WHERE set_id = ?'),
    insertReview: db.prepare('INSERT INTO landmark_reviews (set_id, landmark_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    setReviewed: db.prepare('UPDATE landmark_sets SET reviewed_at = ? WHERE id = ?'),
    points: db.prepare('SELECT * FROM landmark_points WHERE set_id = ?'),
    point: db.prepare('SELECT * FROM landmark_points WHERE set_id = ? AND landmark_id = ?'),
    modelPoints: db.prepare('SELECT * FROM landmark_model_points WHERE set_id = ?'),
    modelPoint: db.prepare('SELECT * FROM landmark_model_points WHERE set_id = ? AND landmark_id = ?'),
    upsertPoint: db.prepare(`
      INSERT INTO landmark_points (set_id, landmark_id, x, y, confidence, source, updated_at)
      VALUES (@setId, @landmarkId, @x, @y, @confidence, @source, @at)
      ON CONFLICT (set_id, landmark_id) DO UPDATE SET
        x = excluded.x, y = excluded.y, confidence = excluded.confidence, source = excluded.source, updated_at = excluded.updated_at`),
    deletePoint: db.prepare('DELETE FROM landmark_points WHERE set_id = ? AND landmark_id = ?'),
    nextAction: db.prepare('SELECT ifnull(max(action_id), 0) + 1 AS n FROM landmark_edits WHERE set_id = ?'),
    insertEdit: db.prepare(`
      INSERT INTO landmark_edits (set_id, parent_id, action_id, at, landmark_id, kind, from_x, from_y, from_source, to_x, to_y, to_source, client_id)
      VALUES (@setId, @parentId, @actionId, @at, @landmarkId, @kind, @fromX, @fromY, @fromSource, @toX, @toY, @toSource, @clientId)`),
    setHead: db.prepare('UPDATE landmark_sets SET head_edit_id = ? WHERE id = ?'),
    edit: db.prepare('SELECT * FROM landmark_edits WHERE id = ? AND set_id = ?'),
    actionRows: db.prepare('SELECT * FROM landmark_edits WHERE set_id = ? AND action_id = ? ORDER BY id'),
    // the newest child of the head: what an undo left behind (head NULL = children of the root)
    redoChild: db.prepare('SELECT * FROM landmark_edits WHERE set_id = ? AND parent_id IS ? ORDER BY id DESC LIMIT 1'),
    edits: db.prepare('SELECT * FROM landmark_edits WHERE set_id = ? ORDER BY id'),
    // ancestors of an edit, itself included; ancestors have smaller ids, so ORDER BY id is path order
    path: db.prepare(`
      WITH RECURSIVE path (id) AS (
        SELECT id FROM landmark_edits WHERE id = ?
        UNION ALL
        SELECT e.parent_id FROM landmark_edits e JOIN path p ON e.id = p.id WHERE e.parent_id IS NOT NULL
      )
      SELECT e.* FROM landmark_edits e JOIN path p ON e.id = p.id ORDER BY e.id`),
  };

  function loadSet(setId: number): LandmarkSet {
    const row = q.set.get(setId);
    if (!row) throw new AppError('not_found', `no landmark set ${setId}`, { setId });
    return parseRow(LandmarkSetRow, row, 'landmark_sets');
  }

  function currentPoints(setId: number): LandmarkPoint[] {
    return parseRows(PointRow, q.points.all(setId), 'landmark_points').sort(byLandmark);
  }

  function modelPointsOf(setId: number): ModelPoint[] {
    return parseRows(ModelPointRow, q.modelPoints.all(setId), 'landmark_model_points').sort(byLandmark);
  }

  function pointState(setId: number, landmarkId: string): PointState | null {
    const row = q.point.get(setId, landmarkId);
    if (!row) return null;
    const p = parseRow(PointRow, row, 'landmark_points');
    return { x: p.x, y: p.y, source: p.source };
  }

  function modelPoint(setId: number, landmarkId: string): ModelPoint | null {
    const row = q.modelPoint.get(setId, landmarkId);
    return row ? parseRow(ModelPointRow, row, 'landmark_model_points') : null;
  }

  /** Writes one point. A 'model' point always sits where the model put it and carries the model's
   * confidence; a hand-placed point has no confidence. */
  function writePoint(setId: number, landmarkId: string, state: PointState | null, at: string): void {
    if (state === null) {
      q.deletePoint.run(setId, landmarkId);
      return;
    }
    const confidence = state.source === 'model' ? (modelPoint(setId, landmarkId)?.confidence ?? null) : null;
    q.upsertPoint.run({ setId, landmarkId, x: state.x, y: state.y, confidence, source: state.source, at });
  }

  function canRedo(set: LandmarkSet): boolean {
    return q.redoChild.get(set.id, set.headEditId) !== undefined;
  }

  function state(setId: number): LandmarkState {
    const set = loadSet(setId);
    const accepted = new Set((q.reviews.all(setId) as { landmark_id: string }[]).map((r) => r.landmark_id));
    return { set, points: currentPoints(setId), modelPoints: modelPointsOf(setId), accepted, canUndo: set.headEditId !== null, canRedo: canRedo(set) };
  }

  /** Appends one user action (one or more point changes) below the head. No-op changes are skipped;
   * an action that changes nothing writes nothing, so it does not become an empty undo step. */
  function record(set: LandmarkSet, changes: Change[], clientId: string | null = null): void {
    const at = now().toISOString();
    let parentId = set.headEditId;
    let actionId: number | null = null;
    for (const c of changes) {
      const from = pointState(set.id, c.landmarkId);
      if (samePoint(from, c.to)) continue;
      actionId ??= (q.nextAction.get(set.id) as { n: number }).n;
      const info = q.insertEdit.run({
        setId: set.id,
        parentId,
        actionId,
        at,
        landmarkId: c.landmarkId,
        kind: c.kind,
        fromX: from?.x ?? null,
        fromY: from?.y ?? null,
        fromSource: from?.source ?? null,
        toX: c.to?.x ?? null,
        toY: c.to?.y ?? null,
        toSource: c.to?.source ?? null,
        clientId,
      });
      writePoint(set.id, c.landmarkId, c.to, at);
      parentId = Number(info.lastInsertRowid);
    }
    if (parentId !== set.headEditId) q.setHead.run(parentId, set.id);
  }

  function checkInImage(setId: number, x: number, y: number): void {
    const img = q.imageOfSet.get(setId) as { id: number; width: number; height: number } | undefined;
    if (!img) throw new AppError('not_found', `no landmark set ${setId}`, { setId });
    // edits come from a pointer on the image; a point outside it means display coordinates were
    // passed instead of original-image pixels
    if (x < 0 || y < 0 || x > img.width || y > img.height) {
      throw new AppError('bad_request', `(${x}, ${y}) is outside the ${img.width}x${img.height} image`, { x, y, width: img.width, height: img.height });
    }
  }

  /** A short account of an edit for a message: "sella moved at 14:02 in another window". */
  function describe(e: Edit, by?: EditBy): string {
    const what = { move: 'moved', place: 'placed', reset: 'reset to the model', delete: 'removed', restore: 'restored' }[e.kind] ?? e.kind;
    const where = e.clientId === null ? '' : by?.clientId && e.clientId === by.clientId ? ' in this window' : ' in another window';
    return `${e.landmarkId.replace(/_/g, ' ')} ${what} at ${e.at.slice(11, 16)} UTC${where}`;
  }

  /** Refuses an edit made on a state that is no longer the current one (another client changed
   *  the tracing in between): the version is the head of the edit tree, which names one state. */
  function checkVersion(set: LandmarkSet, by?: EditBy): void {
    if (by?.baseVersion === undefined) return;
    const version = set.headEditId ?? 0;
    if (by.baseVersion === version) return;
    const head = set.headEditId === null ? null : parseRow(EditRow, q.edit.get(set.headEditId, set.id), 'landmark_edits');
    throw new AppError('conflict', `this tracing changed since it was loaded${head ? ` (${describe(head, by)})` : ' (changes were undone)'}: nothing was applied; the current tracing is shown`, {
      setId: set.id,
      version,
      baseVersion: by.baseVersion,
    });
  }

  function editPoint(
    setId: number,
    landmarkId: string,
    kind: EditKind,
    target: (cur: PointState | null) => PointState | null,
    at?: { x: number; y: number },
    by?: EditBy,
  ): LandmarkState {
    return writeTx(db, () => {
      const set = loadSet(setId);
      checkVersion(set, by);
      if (at) checkInImage(setId, at.x, at.y);
      const to = target(pointState(setId, landmarkId));
      record(set, [{ landmarkId, kind, to }], by?.clientId ?? null);
      return state(setId);
    });
  }

  /** The points as they were right after `editId` (null: the model output). */
  function stateAfter(setId: number, editId: number | null): Map<string, PointState> {
    const out = new Map<string, PointState>();
    for (const p of modelPointsOf(setId)) out.set(p.landmarkId, { x: p.x, y: p.y, source: 'model' });
    if (editId === null) return out;
    for (const e of parseRows(EditRow, q.path.all(editId), 'landmark_edits')) {
      if (e.setId !== setId) throw new AppError('corrupt', `edit ${e.id} is on the path of set ${setId} but belongs to set ${e.setId}`);
      if (e.to) out.set(e.landmarkId, e.to);
      else out.delete(e.landmarkId);
    }
    return out;
  }

  function pathIds(editId: number | null): Set<number> {
    if (editId === null) return new Set();
    return new Set((q.path.all(editId) as { id: number }[]).map((r) => r.id));
  }

  /** Moves the state along one tree edge, checking that the points are what the log says. */
  function applyAction(setId: number, rows: Edit[], direction: 'undo' | 'redo'): void {
    const at = now().toISOString();
    const ordered = direction === 'undo' ? [...rows].reverse() : rows;
    for (const e of ordered) {
      const [expect, next] = direction === 'undo' ? [e.to, e.from] : [e.from, e.to];
      if (!samePoint(pointState(setId, e.landmarkId), expect)) {
        throw new AppError('corrupt', `landmark ${e.landmarkId} of set ${setId} does not match edit ${e.id}; cannot ${direction}`, { setId, editId: e.id });
      }
      writePoint(setId, e.landmarkId, next, at);
    }
  }

  return {
    /** A new set for the image from one model run, as one transaction. */
    saveModelLandmarks(imageId: number, model: { name: string; version: string; check?: ImageCheckData }, points: ModelPointData[]): LandmarkState {
      return writeTx(db, () => {
        if (!q.imageExists.get(imageId)) throw new AppError('not_found', `no image ${imageId}`, { imageId });
        const at = now().toISOString();
        const setId = Number(q.insertSet.run(imageId, model.name, model.version, at, model.check ? JSON.stringify(model.check) : null).lastInsertRowid);
        for (const p of points) {
          q.insertModelPoint.run(setId, p.landmarkId, p.x, p.y, p.confidence, p.uncertaintyPx ?? null, p.flagged ? 1 : 0);
          q.upsertPoint.run({ setId, landmarkId: p.landmarkId, x: p.x, y: p.y, confidence: p.confidence, source: 'model', at });
        }
        return state(setId);
      });
    },

    state,

    /** A clinician looked at a flagged point and keeps it where it is. */
    acceptPoint(setId: number, landmarkId: string): LandmarkState {
      return writeTx(db, () => {
        loadSet(setId);
        if (!pointState(setId, landmarkId)) throw new AppError('not_found', `landmark ${landmarkId} is not on set ${setId}`, { setId, landmarkId });
        q.insertReview.run(setId, landmarkId, now().toISOString());
        return state(setId);
      });
    },

    /** The whole tracing was reviewed (reviewed = true) or is to be reviewed again. */
    setReviewed(setId: number, reviewed: boolean): LandmarkState {
      return writeTx(db, () => {
        loadSet(setId);
        q.setReviewed.run(reviewed ? now().toISOString() : null, setId);
        return state(setId);
      });
    },

    currentSetId(imageId: number): number | null {
      const row = q.currentSet.get(imageId);
      return row ? parseRow(LandmarkSetRow, row, 'landmark_sets').id : null;
    },

    setsOfImage(imageId: number): LandmarkSet[] {
      return parseRows(LandmarkSetRow, q.setsOfImage.all(imageId), 'landmark_sets');
    },

    movePoint(setId: number, landmarkId: string, x: number, y: number, by?: EditBy): LandmarkState {
      return editPoint(
        setId,
        landmarkId,
        'move',
        (cur) => {
          if (!cur) throw new AppError('not_found', `${landmarkId} is not placed on set ${setId}; use placePoint`, { setId, landmarkId });
          return { x, y, source: 'hand' };
        },
        { x, y },
        by,
      );
    },

    placePoint(setId: number, landmarkId: string, x: number, y: number, by?: EditBy): LandmarkState {
      return editPoint(
        setId,
        landmarkId,
        'place',
        (cur) => {
          if (cur) throw new AppError('conflict', `${landmarkId} is already placed on set ${setId}; use movePoint`, { setId, landmarkId });
          return { x, y, source: 'hand' };
        },
        { x, y },
        by,
      );
    },

    /** Back to where the model put it (also brings back a deleted point). */
    resetPoint(setId: number, landmarkId: string, by?: EditBy): LandmarkState {
      return editPoint(setId, landmarkId, 'reset', () => {
        const m = modelPoint(setId, landmarkId);
        if (!m) throw new AppError('not_found', `the model did not place ${landmarkId} on set ${setId}`, { setId, landmarkId });
        return { x: m.x, y: m.y, source: 'model' };
      }, undefined, by);
    },

    deletePoint(setId: number, landmarkId: string, by?: EditBy): LandmarkState {
      return editPoint(setId, landmarkId, 'delete', (cur) => {
        if (!cur) throw new AppError('not_found', `${landmarkId} is not placed on set ${setId}`, { setId, landmarkId });
        return null;
      }, undefined, by);
    },

    /** Undoes the last applied action; with nothing to undo, returns the state unchanged. */
    undo(setId: number, by?: EditBy): LandmarkState {
      return writeTx(db, () => {
        const set = loadSet(setId);
        checkVersion(set, by);
        if (set.headEditId === null) return state(setId);
        const head = parseRow(EditRow, q.edit.get(set.headEditId, setId), 'landmark_edits');
        // undo is each client's own: another window's last change is never taken back from here
        if (by?.clientId && head.clientId !== null && head.clientId !== by.clientId) {
          throw new AppError('conflict', `the last change to this tracing (${describe(head, by)}) was not made here: undo it where it was made`, { setId, version: set.headEditId });
        }
        const rows = parseRows(EditRow, q.actionRows.all(setId, head.actionId), 'landmark_edits');
        applyAction(setId, rows, 'undo');
        q.setHead.run(rows[0].parentId, setId);
        return state(setId);
      });
    },

    /** Re-applies the action the last undo took back; with nothing to redo, returns the state unchanged. */
    redo(setId: number, by?: EditBy): LandmarkState {
      return writeTx(db, () => {
        const set = loadSet(setId);
        checkVersion(set, by);
        const child = q.redoChild.get(setId, set.headEditId);
        if (!child) return state(setId);
        const first = parseRow(EditRow, child, 'landmark_edits');
        if (by?.clientId && first.clientId !== null && first.clientId !== by.clientId) {
          throw new AppError('conflict', `the change to redo (${describe(first, by)}) was not made here: redo it where it was made`, { setId, version: set.headEditId ?? 0 });
        }
        const rows = parseRows(EditRow, q.actionRows.all(setId, first.actionId), 'landmark_edits');
        applyAction(setId, rows, 'redo');
        q.setHead.run(rows[rows.length - 1].id, setId);
        return state(setId);
      });
    },

    history(setId: number): History {
      const set = loadSet(setId);
      const applied = pathIds(set.headEditId);
      const entries = parseRows(EditRow, q.edits.all(setId), 'landmark_edits').map((e) => ({ ...e, applied: applied.has(e.id) }));
      return { set, entries };
    },

    /** Makes the points what they were right after `editId` (null: the model output), as one
     * undoable action of 'restore' edits. Works for any edit of the set, undone ones included. */
    restoreTo(setId: number, editId: number | null, by?: EditBy): LandmarkState {
      return writeTx(db, () => {
        const set = loadSet(setId);
        checkVersion(set, by);
        if (editId !== null && !q.edit.get(editId, setId)) throw new AppError('not_found', `no edit ${editId} in landmark set ${setId}`, { setId, editId });
        const target = stateAfter(setId, editId);
        const current = new Map(currentPoints(setId).map((p) => [p.landmarkId, { x: p.x, y: p.y, source: p.source } as PointState]));
        const ids = [...new Set([...current.keys(), ...target.keys()])].map((landmarkId) => ({ landmarkId })).sort(byLandmark);
        record(
          set,
          ids.map(({ landmarkId }) => ({ landmarkId, kind: 'restore' as const, to: target.get(landmarkId) ?? null })),
          by?.clientId ?? null,
        );
        return state(setId);
      });
    },

    /** The state implied by the log (model output + path to the head); equals the points table. */
    replay(setId: number): Map<string, PointState> {
      return stateAfter(setId, loadSet(setId).headEditId);
    },
  };
}

export type LandmarkRepository = ReturnType<typeof createLandmarkRepository>;
