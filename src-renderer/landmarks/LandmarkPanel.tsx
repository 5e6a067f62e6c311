// The landmarks of the open case: each point's stated uncertainty (± mm) and review flag, accept, reset to the model's position, and the manual landmarks (the model does not predict them) to place by hand.
import type { ApiClient, LandmarkSet } from '../../src-shared/api/contract.js';
import { ISBI_LANDMARKS, MANUAL_LANDMARKS, landmarkById } from '../../src-shared/landmarks.js';
import { BAND_COLOUR, BAND_LEGEND, confidenceBand, needsReview, uncertaintyText } from '../viewer/landmarkStyle.js';
import { EditHistory } from './EditHistory.js';

interface Props {
  api: ApiClient;
  set: LandmarkSet | null;
  busy: boolean;
  placing: string | null;
  /** landmarks the selected analysis still needs */
  wanted: readonly string[];
  /** the image's spacing, for the radii in mm; undefined: shown in pixels */
  mmPerPixel: number | undefined;
  onReset(landmarkId: string): void;
  onDelete(landmarkId: string): void;
  onStartPlacing(landmarkId: string | null): void;
  onDetect(): void;
  onRestore(editId: number | null): void;
  /** keep a flagged point where it is */
  onAccept(landmarkId: string): void;
  /** centre the viewer on a landmark */
  onFocus(landmarkId: string): void;
  /** the landmark the arrow keys nudge */
  selected?: string | null;
}

export function LandmarkPanel({ api, set, busy, placing, wanted, mmPerPixel, onReset, onDelete, onStartPlacing, onDetect, onRestore, onAccept, onFocus, selected }: Props) {
  if (!set) {
    return (
      <section className="panel" aria-label="Landmarks">
        <h2>Landmarks</h2>
        <p className="muted">No landmarks for this image yet.</p>
        <button type="button" onClick={onDetect} disabled={busy}>
          Detect landmarks
        </button>
      </section>
    );
  }
  const byId = new Map(set.points.map((p) => [p.landmarkId, p]));
  const flagged = set.points.filter((p) => needsReview(p));
  const modelIds = new Set(ISBI_LANDMARKS.map((l) => l.id));
  const others = set.points.filter((p) => !modelIds.has(p.landmarkId) && !MANUAL_LANDMARKS.some((m) => m.id === p.landmarkId));

  return (
    <section className="panel" aria-label="Landmarks">
      <h2>
        Landmarks <span className="muted small">{set.modelName} {set.modelVersion}</span>
      </h2>
      {flagged.length > 0 && (
        <p className="review-note" role="note">
          {flagged.length} landmark{flagged.length > 1 ? 's' : ''} flagged: likely more than 3 mm off. Check {flagged.length > 1 ? 'them' : 'it'} before trusting the analysis.
        </p>
      )}
      <p className="legend small" aria-label="Colour legend">
        {(Object.keys(BAND_LEGEND) as (keyof typeof BAND_LEGEND)[]).map((b) => (
          <span key={b} className="legend-item">
            <span className="dot" style={{ background: BAND_COLOUR[b] }} /> {BAND_LEGEND[b]}
          </span>
        ))}
      </p>
      <table className="landmarks">
        <tbody>
          {[...ISBI_LANDMARKS.filter((l) => byId.has(l.id)), ...others.map((p) => landmarkById(p.landmarkId) ?? { id: p.landmarkId, abbr: p.landmarkId, name: p.landmarkId })].map((l) => {
            const p = byId.get(l.id);
            if (!p) return null;
            const band = confidenceBand(p, mmPerPixel);
            const review = needsReview(p);
            return (
              <tr key={l.id} data-landmark-id={l.id} data-band={band} className={[review ? 'review' : '', selected === l.id ? 'selected' : ''].join(' ').trim()} aria-selected={selected === l.id} onClick={() => onFocus(l.id)} title={`${l.name}: click to centre it; then the arrow keys nudge it (Shift: 10 pixels)`}>
                <td>
                  <span className="dot" style={{ background: BAND_COLOUR[band] }} />
                  <abbr title={l.name}>{l.abbr}</abbr>
                </td>
                <td className="num uncertainty" title="the true point lies within this radius with 90 % probability">
                  {uncertaintyText(p, mmPerPixel)}
                </td>
                <td>
                  {review ? (
                    <span className="flag">review</span>
                  ) : p.source === 'hand' ? (
                    <span className="muted small">moved</span>
                  ) : p.flagged && p.accepted ? (
                    <span className="muted small">accepted</span>
                  ) : null}
                </td>
                <td>
                  {review && (
                    <button
                      type="button"
                      className="small"
                      onClick={(e) => {
                        e.stopPropagation();
                        onAccept(l.id);
                      }}
                      disabled={busy}
                      title="Looked at: keep it where it is (A)"
                    >
                      Accept
                    </button>
                  )}
                  <button
                    type="button"
                    className="small"
                    onClick={(e) => {
                      e.stopPropagation();
                      onReset(l.id);
                    }}
                    disabled={busy}
                    title="Back to the model's position"
                  >
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
