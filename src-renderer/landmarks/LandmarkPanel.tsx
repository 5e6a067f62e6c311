// The landmarks of the open case: confidence and review flags, reset to the model's position, and the manual landmarks (the model does not predict them) to place by hand.
import { useState } from 'react';
import type { ApiClient, LandmarkSet } from '../../src-shared/api/contract.js';
import { ISBI_LANDMARKS, MANUAL_LANDMARKS, landmarkById } from '../../src-shared/landmarks.js';
import { BAND_COLOUR, LOW_CONFIDENCE, confidenceBand, needsReview } from '../viewer/landmarkStyle.js';
import { EditHistory } from './EditHistory.js';

interface Props {
  api: ApiClient;
  set: LandmarkSet | null;
  busy: boolean;
  placing: string | null;
  /** landmarks the selected analysis still needs */
  wanted: readonly string[];
  onReset(landmarkId: string): void;
  onDelete(landmarkId: string): void;
  onStartPlacing(landmarkId: string | null): void;
  onDetect(): void;
  onRestore(editId: number | null): void;
  facingLeft: boolean;
  /** the profile's direction: the model sees the image mirrored when it faces the other way;
   *  settles once the change is saved or refused (facingLeft then says which) */
  onFacingLeft(facingLeft: boolean): Promise<void>;
}

export function LandmarkPanel({ api, set, busy, placing, wanted, onReset, onDelete, onStartPlacing, onDetect, onRestore, facingLeft, onFacingLeft }: Props) {
  // the choice is shown at once; the case's own orientation takes over when the server has answered
  const [pending, setPending] = useState<boolean | null>(null);
  const facing = (
    <label className="facing small" title="Cephalograms are taken facing right or left; the model is run on the image turned to the side it was trained on">
      <input
        type="checkbox"
        checked={pending ?? facingLeft}
        disabled={busy}
        onChange={(e) => {
          const left = e.currentTarget.checked;
          setPending(left);
          void onFacingLeft(left).finally(() => setPending(null));
        }}
      />{' '}
      Profile faces left
    </label>
  );
  if (!set) {
    return (
      <section className="panel" aria-label="Landmarks">
        <h2>Landmarks</h2>
        {facing}
        <p className="muted">No landmarks for this image yet.</p>
        <button type="button" onClick={onDetect} disabled={busy}>
          Detect landmarks
        </button>
      </section>
    );
  }
  const byId = new Map(set.points.map((p) => [p.landmarkId, p]));
  const flagged = set.points.filter((p) => needsReview(p.confidence, p.source));
  const modelIds = new Set(ISBI_LANDMARKS.map((l) => l.id));
  const others = set.points.filter((p) => !modelIds.has(p.landmarkId) && !MANUAL_LANDMARKS.some((m) => m.id === p.landmarkId));

  return (
    <section className="panel" aria-label="Landmarks">
      <h2>
        Landmarks <span className="muted small">{set.modelName} {set.modelVersion}</span>
      </h2>
      {facing}
      {flagged.length > 0 && (
        <p className="review-note" role="note">
          {flagged.length} landmark{flagged.length > 1 ? 's' : ''} below {Math.round(LOW_CONFIDENCE * 100)}% confidence: check {flagged.length > 1 ? 'them' : 'it'} before trusting the analysis.
        </p>
      )}
      <table className="landmarks">
        <tbody>
          {[...ISBI_LANDMARKS.filter((l) => byId.has(l.id)), ...others.map((p) => landmarkById(p.landmarkId) ?? { id: p.landmarkId, abbr: p.landmarkId, name: p.landmarkId })].map((l) => {
            const p = byId.get(l.id);
            if (!p) return null;
            const band = confidenceBand(p.confidence, p.source);
            return (
              <tr key={l.id} data-landmark-id={l.id} className={needsReview(p.confidence, p.source) ? 'review' : ''}>
                <td>
                  <span className="dot" style={{ background: BAND_COLOUR[band] }} />
                  <abbr title={l.name}>{l.abbr}</abbr>
                </td>
                <td className="num">{p.confidence === null ? 'hand' : `${Math.round(p.confidence * 100)}%`}</td>
                <td>{needsReview(p.confidence, p.source) ? <span className="flag">review</span> : p.source === 'hand' ? <span className="muted small">moved</span> : null}</td>
                <td>
                  <button type="button" className="small" onClick={() => onReset(l.id)} disabled={busy} title="Back to the model's position">
                    Reset
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>Placed by hand</h3>
      <table className="landmarks manual">
        <tbody>
          {MANUAL_LANDMARKS.map((l) => {
            const placed = byId.has(l.id);
            const isPlacing = placing === l.id;
            return (
              <tr key={l.id} data-landmark-id={l.id} className={wanted.includes(l.id) && !placed ? 'wanted' : ''}>
                <td>
                  <abbr title={l.name}>{l.abbr}</abbr>
                </td>
                <td className="small">{l.name}</td>
                <td>
                  <button type="button" className="small" aria-pressed={isPlacing} onClick={() => onStartPlacing(isPlacing ? null : l.id)} disabled={busy}>
                    {isPlacing ? 'Cancel' : placed ? 'Re-place' : 'Place'}
                  </button>
                  {placed && (
                    <button type="button" className="small" onClick={() => onDelete(l.id)} disabled={busy}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <EditHistory api={api} set={set} busy={busy} onRestore={onRestore} />
    </section>
  );
}
