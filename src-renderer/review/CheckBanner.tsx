// What the checks found about the open image, at the top of the case where it cannot be missed:
// not a cephalogram (no measurements, no report, unless "trace anyway"), how the film was
// straightened (and the control to say otherwise), an implausible tracing, and the review state.
import type { CaseDetail } from '../../src-shared/api/contract.js';

export type StoredOrientation = NonNullable<CaseDetail['orientationOverride']>;

interface Props {
  detail: CaseDetail;
  busy: boolean;
  reviewing: boolean;
  /** flagged points not yet looked at */
  toReview: number;
  onTraceAnyway(on: boolean): void;
  /** null: let the check decide */
  onOrientation(o: StoredOrientation | null): void;
  onStartReview(): void;
  onSetReviewed(reviewed: boolean): void;
}

const CHOICES: { key: string; label: string; o: Omit<StoredOrientation, 'inverted'> }[] = [
  { key: 'r0', label: 'upright, facing right', o: { rotation: 0, mirrored: false } },
  { key: 'm0', label: 'mirrored: facing left', o: { rotation: 0, mirrored: true } },
  { key: 'r90', label: 'turned 90° clockwise', o: { rotation: 90, mirrored: false } },
  { key: 'r180', label: 'upside down', o: { rotation: 180, mirrored: false } },
  { key: 'r270', label: 'turned 90° anticlockwise', o: { rotation: 270, mirrored: false } },
  { key: 'm90', label: 'mirrored, turned 90° clockwise', o: { rotation: 90, mirrored: true } },
  { key: 'm180', label: 'mirrored, upside down', o: { rotation: 180, mirrored: true } },
  { key: 'm270', label: 'mirrored, turned 90° anticlockwise', o: { rotation: 270, mirrored: true } },
];

export function CheckBanner({ detail, busy, reviewing, toReview, onTraceAnyway, onOrientation, onStartReview, onSetReviewed }: Props) {
  const set = detail.landmarks;
  const check = set?.check ?? null;
  const refused = check !== null && !check.isCephalogram;
  const o = check?.orientation;
  const current = detail.orientationOverride ?? (o ? { rotation: o.rotation, mirrored: o.mirrored, inverted: o.inverted } : null);
  const key = current ? CHOICES.find((c) => c.o.rotation === current.rotation && c.o.mirrored === current.mirrored)?.key : undefined;
  return (
    <div className={refused && !detail.traceAnyway ? 'check-banner refused' : 'check-banner'} data-testid="check-banner" role="region" aria-label="Image check">
      {refused && (
        <div className="check-line verdict" role="alert" data-testid="verdict">
          <strong>This image does not look like a lateral cephalogram.</strong>{' '}
          {detail.traceAnyway ? 'Traced and measured anyway, at your request.' : 'No measurements and no report are made from it.'}{' '}
          <button type="button" className="small" disabled={busy} onClick={() => onTraceAnyway(!detail.traceAnyway)} data-testid="trace-anyway">
            {detail.traceAnyway ? 'Withdraw' : 'Trace anyway'}
          </button>
        </div>
      )}
      {set && (
        <div className="check-line orientation" data-testid="orientation-line">
          <span>
            {detail.orientationOverride ? 'Orientation set by hand: ' : o?.source === 'auto' ? 'Orientation found: ' : 'Orientation: '}
            <strong data-testid="orientation-said">{o?.description ?? 'as stored'}</strong>
            {check?.reframeZoom !== undefined && (
              <span className="small" data-testid="reframed">
                {' '}
                · the head fills {check.reframeZoom < 1 ? 'more' : 'less'} of the film than on the training films: traced again, rescaled ×{check.reframeZoom.toFixed(2)}
              </span>
            )}
          </span>
          <label className="small">
            {' '}
            The film is{' '}
            <select
              value={detail.orientationOverride ? key : 'auto'}
              disabled={busy || !set}
              aria-label="How the film is stored"
              onChange={(e) => {
                const v = e.currentTarget.value;
                if (v === 'auto') return onOrientation(null);
                const c = CHOICES.find((x) => x.key === v)!;
                onOrientation({ ...c.o, inverted: current?.inverted ?? false });
              }}
            >
              <option value="auto">found automatically{key ? ` (${CHOICES.find((c) => c.key === key)!.label})` : ''}</option>
              {CHOICES.map((c) => (
                <option key={c.key} value={c.key}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <label className="small">
            <input
              type="checkbox"
              checked={current?.inverted ?? false}
              disabled={busy || !set}
              onChange={(e) => onOrientation({ rotation: current?.rotation ?? 0, mirrored: current?.mirrored ?? false, inverted: e.currentTarget.checked })}
            />{' '}
            negative film
          </label>
        </div>
      )}
      {check?.warnings
        .filter((w) => w.code === 'implausible_shape' || w.code === 'orientation_unsure')
        .map((w) => (
          <div key={w.code} className="check-line warning" role="note" data-code={w.code}>
            {w.message}
          </div>
        ))}
      {set && (!refused || detail.traceAnyway) && (
        <div className="check-line review" data-testid="review-line">
          {set.reviewedAt ? (
            <>
              <span className="reviewed">Tracing reviewed ✓</span>{' '}
              <button type="button" className="small link" disabled={busy} onClick={() => onSetReviewed(false)}>
                undo
              </button>
            </>
          ) : (
            <>
              <span data-testid="to-review">{toReview ? `${toReview} flagged point${toReview === 1 ? '' : 's'} to review` : 'No point flagged'}</span>{' '}
              {toReview > 0 && (
                <button type="button" className="small" disabled={busy || reviewing} onClick={onStartReview} data-testid="start-review" title="Step through the flagged points: → next, ← previous, A accept, Esc stop">
                  Review flagged points
                </button>
              )}{' '}
              <button type="button" className="small" disabled={busy} onClick={() => onSetReviewed(true)} data-testid="mark-reviewed">
                Mark tracing reviewed
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}
