// Pixel spacing of the open image: from the file when it has one, else from a ruler the user
// draws (two clicks on a known length, then its length in mm -> images.setRuler).
import { useState } from 'react';
import type { CaseDetail } from '../../src-shared/api/contract.js';
import { calibrationOf } from '../cases/calibration.js';
import type { ImagePoint } from '../viewer/coords.js';

interface Props {
  detail: CaseDetail;
  drawing: boolean;
  draft: { p1: ImagePoint; p2: ImagePoint } | null;
  busy: boolean;
  onStartRuler(): void;
  onCancelRuler(): void;
  onSaveRuler(lengthMm: number): void;
}

export function Calibration({ detail, drawing, draft, busy, onStartRuler, onCancelRuler, onSaveRuler }: Props) {
  const [mm, setMm] = useState('10');
  const cal = calibrationOf(detail);
  const lengthMm = Number(mm);
  const draftPx = draft ? Math.hypot(draft.p2.x - draft.p1.x, draft.p2.y - draft.p1.y) : 0;

  return (
    <section className="panel" aria-label="Calibration">
      <h2>Calibration</h2>
      {cal ? (
        <p data-testid="spacing">
          {cal.rowMm === cal.colMm ? `${cal.colMm.toPrecision(3)} mm/px` : `${cal.rowMm.toPrecision(3)} × ${cal.colMm.toPrecision(3)} mm/px`} <span className="muted small">{cal.description}</span>
        </p>
      ) : (
        <p data-testid="spacing" className="warn">
          Not calibrated: linear measures read “uncalibrated”.
        </p>
      )}
      {!drawing && !draft && (
        <button type="button" onClick={onStartRuler} disabled={busy}>
          {detail.ruler ? 'Redraw ruler' : 'Set a ruler'}
        </button>
      )}
      {drawing && !draft && (
        <p className="small">
          Click both ends of a known length on the image.{' '}
          <button type="button" className="small" onClick={onCancelRuler}>
            Cancel
          </button>
        </p>
      )}
      {draft && (
        <form
          className="ruler-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (lengthMm > 0 && draftPx > 0) onSaveRuler(lengthMm);
          }}
        >
          <label>
            Length of the line ({draftPx.toFixed(1)} px):{' '}
            <input type="number" min="0.1" step="0.1" value={mm} onChange={(e) => setMm(e.target.value)} aria-label="Ruler length in mm" /> mm
          </label>
          <div className="row">
            <button type="submit" disabled={busy || !(lengthMm > 0) || draftPx === 0}>
              Save ruler
            </button>
            <button type="button" onClick={onCancelRuler}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
