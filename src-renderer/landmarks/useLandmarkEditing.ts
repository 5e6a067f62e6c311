// Every landmark edit goes to the server at once and the answer (the whole set, with canUndo /
// canRedo) replaces ours, so undo/redo history lives server-side and survives a reload. Edits are
// queued: a drop followed quickly by Ctrl+Z must reach the server in that order. Each edit says
// which window makes it and on which version of the tracing: if another window (or tab) changed
// the tracing meanwhile, the server refuses it and the current tracing is loaded with the reason;
// undo here never takes back another window's edit.
import { useCallback, useEffect, useMemo, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { ApiClient, CaseDetail, LandmarkSet } from '../../src-shared/api/contract.js';
import type { AppError } from '../../src-shared/errors.js';
import { asAppError } from '../api/envelope.js';
import type { ImagePoint } from '../viewer/coords.js';

export interface LandmarkEditing {
  busy: boolean;
  move(landmarkId: string, p: ImagePoint): void;
  place(landmarkId: string, p: ImagePoint): void;
  reset(landmarkId: string): void;
  remove(landmarkId: string): void;
  undo(): void;
  redo(): void;
  /** back to the state after that edit (null: the model's output) */
  restore(editId: number | null): void;
  detect(): void;
  /** a flagged point looked at and kept */
  accept(landmarkId: string): void;
  setReviewed(reviewed: boolean): void;
}

/** this window (or tab): kept for the tab's life, so a reload keeps its own undo history */
const CLIENT_ID = (() => {
  const key = 'medsapiens.clientId';
  try {
    const kept = sessionStorage.getItem(key);
    if (kept) return kept;
    const made = crypto.randomUUID();
    sessionStorage.setItem(key, made);
    return made;
  } catch {
    return crypto.randomUUID();
  }
})();

export function useLandmarkEditing(
  api: ApiClient,
  detail: CaseDetail | null,
  setDetail: Dispatch<SetStateAction<CaseDetail | null>>,
  onError: (e: AppError) => void,
  /** re-read the case after a failed edit, so the overlay shows what the server holds */
  reload: (imageId: number) => void,
): LandmarkEditing {
  const queue = useRef<Promise<void>>(Promise.resolve());
  const [pending, setPending] = useState(0);
  const setId = detail?.landmarks?.setId ?? null;
  const imageId = detail?.imageId ?? null;
  // the version the next edit is made on: the last one the server answered with
  const version = useRef(0);
  const shown = detail?.landmarks?.version ?? 0;
  useEffect(() => {
    version.current = shown;
  }, [shown, setId]);
  const who = () => ({ clientId: CLIENT_ID, baseVersion: version.current });

  const enqueue = useCallback(
    (call: () => Promise<LandmarkSet>) => {
      if (imageId === null) return;
      setPending((n) => n + 1);
      queue.current = queue.current.then(async () => {
        try {
          const set = await call();
          version.current = set.version;
          setDetail((d) => (d && d.imageId === imageId ? { ...d, landmarks: set } : d));
        } catch (e) {
          onError(asAppError(e));
          reload(imageId);
        } finally {
          setPending((n) => n - 1);
        }
      });
    },
    [imageId, setDetail, onError, reload],
  );

  return useMemo(() => {
    const onSet = (call: (setId: number) => Promise<LandmarkSet>) => () => {
      if (setId !== null) enqueue(() => call(setId));
    };
    return {
      busy: pending > 0,
      move: (landmarkId, p) => onSet((s) => api['landmarks.move']({ setId: s, landmarkId, x: p.x, y: p.y, ...who() }))(),
      place: (landmarkId, p) => {
        if (setId !== null) return onSet((s) => api['landmarks.place']({ setId: s, landmarkId, x: p.x, y: p.y, ...who() }))();
        // no set yet (the model did not run): start an empty one for tracing by hand
        if (imageId !== null)
          enqueue(async () => {
            const set = await api['landmarks.createSet']({ imageId });
            return api['landmarks.place']({ setId: set.setId, landmarkId, x: p.x, y: p.y, clientId: CLIENT_ID, baseVersion: set.version });
          });
      },
      reset: (landmarkId) => onSet((s) => api['landmarks.reset']({ setId: s, landmarkId, ...who() }))(),
      remove: (landmarkId) => onSet((s) => api['landmarks.delete']({ setId: s, landmarkId, ...who() }))(),
      undo: onSet((s) => api['landmarks.undo']({ setId: s, ...who() })),
      redo: onSet((s) => api['landmarks.redo']({ setId: s, ...who() })),
      restore: (editId) => onSet((s) => api['landmarks.restore']({ setId: s, editId, ...who() }))(),
      detect: () => {
        if (imageId !== null) enqueue(() => api['landmarks.detect']({ imageId }));
      },
      accept: (landmarkId) => onSet((s) => api['landmarks.accept']({ setId: s, landmarkId }))(),
      setReviewed: (reviewed) => onSet((s) => api['landmarks.setReviewed']({ setId: s, reviewed }))(),
    };
  }, [api, setId, imageId, pending, enqueue]);
}
