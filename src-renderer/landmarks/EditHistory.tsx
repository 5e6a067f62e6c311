// Every edit of the open landmark set, newest first, from the server's edit log: any earlier
// state can be brought back (as a new, undoable edit), down to the model's own output. Undone
// edits stay listed, greyed, since they can still be restored.
import { useEffect, useState } from 'react';
import type { ApiClient, ApiResponse, LandmarkSet } from '../../src-shared/api/contract.js';
import { landmarkById } from '../../src-shared/landmarks.js';
import { asAppError } from '../api/envelope.js';

type Entry = ApiResponse<'landmarks.history'>[number];

const SHOWN = 40;
const KIND_TEXT: Record<string, string> = { move: 'moved', place: 'placed', reset: 'reset to the model', delete: 'removed', restore: 'restored' };

interface Props {
  api: ApiClient;
  set: LandmarkSet;
  busy: boolean;
  onRestore(editId: number | null): void;
}

function time(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function EditHistory({ api, set, busy, onRestore }: Props) {
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  // the set object changes with every edit the server answers: read the log again then
  useEffect(() => {
    let alive = true;
    api['landmarks.history']({ setId: set.setId }).then(
      (h) => {
        if (!alive) return;
        setEntries(h);
        setFailed(null);
      },
      (e: unknown) => alive && setFailed(asAppError(e).message),
    );
    return () => {
      alive = false;
    };
  }, [api, set]);

  const newestFirst = entries ? [...entries].reverse() : [];
  return (
    <details className="edit-history" data-testid="edit-history">
      <summary>Edit history{entries ? ` (${entries.length})` : ''}</summary>
      {failed && <p className="error">{failed}</p>}
      <ol>
        {newestFirst.slice(0, SHOWN).map((e) => (
          <li key={e.editId} data-edit-id={e.editId} className={e.undone ? 'undone' : ''}>
            <span className="small">
              {landmarkById(e.landmarkId)?.abbr ?? e.landmarkId} {KIND_TEXT[e.kind] ?? e.kind}
              {e.undone ? ' (undone)' : ''} <span className="muted">{time(e.at)}</span>
            </span>
            <button type="button" className="small" disabled={busy} onClick={() => onRestore(e.editId)} title="Bring back the landmarks as they were right after this edit">
              Restore
            </button>
          </li>
        ))}
        {entries && entries.length > SHOWN && <li className="muted small">… {entries.length - SHOWN} older edits</li>}
        <li data-edit-id="model">
          <span className="small">Model output</span>
          <button type="button" className="small" disabled={busy || !entries?.length} onClick={() => onRestore(null)} title="Every landmark back where the model put it">
            Restore
          </button>
        </li>
      </ol>
    </details>
  );
}
