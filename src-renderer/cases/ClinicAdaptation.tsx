// Learning from the clinic: how many of its cases a clinician corrected or reviewed, "Adapt to this
// clinic" once there are enough, the clinic models learnt so far with what they did on the clinic's
// own held-out cases, and which one is in use (switch, or back to the shipped model).
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, ClinicStatus } from '../../src-shared/api/contract.js';
import { asAppError } from '../api/envelope.js';

interface Props {
  api: ApiClient;
  /** changes whenever the case list was reloaded: corrections may have been made */
  casesVersion: unknown;
}

export function ClinicAdaptation({ api, casesVersion }: Props) {
  const [status, setStatus] = useState<ClinicStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = useCallback(
    async (call: () => Promise<ClinicStatus>) => {
      setBusy(true);
      setError(null);
      try {
        setStatus(await call());
      } catch (e) {
        const err = asAppError(e);
        setError(`${err.code}: ${err.message}`);
      } finally {
        setBusy(false);
      }
    },
    [],
  );
  useEffect(() => {
    void run(() => api['clinic.status']({}));
  }, [api, run, casesVersion]);

  if (!status) return error ? <section className="panel clinic" aria-label="Clinic adaptation"><p className="error small">{error}</p></section> : null;
  const enough = status.correctedCases >= status.minCases;
  const pct = (a: number, b: number) => `${(100 * (1 - a / b)).toFixed(0)} %`;
  return (
    <section className="panel clinic" aria-label="Clinic adaptation">
      <h2>Learn from this clinic</h2>
      <p className="small" data-testid="corrected-cases">
        {status.correctedCases} corrected or reviewed case{status.correctedCases === 1 ? '' : 's'}
        {enough ? '' : ` (${status.minCases} needed to adapt)`}
      </p>
      <button type="button" disabled={!enough || busy} onClick={() => void run(() => api['clinic.adapt']({}))} data-testid="adapt" title="Learn each landmark's systematic correction from the corrected cases (the shipped model is not changed)">
        Adapt to this clinic
      </button>
      {status.models.length > 0 && (
        <ul className="clinic-models">
          {status.models.map((m) => (
            <li key={m.id} data-model-id={m.id} data-active={status.active === m.id}>
              <span className="small">
                {m.createdAt.slice(0, 16).replace('T', ' ')} · {m.cases} cases · held-out error {m.parentMrePx.toFixed(1)} → {m.adaptedMrePx.toFixed(1)} px ({pct(m.adaptedMrePx, m.parentMrePx)} less) · 90 % radius held{' '}
                {(100 * m.coverageParent).toFixed(0)} → {(100 * m.coverageAdapted).toFixed(0)} %
              </span>{' '}
              {status.active === m.id ? (
                <strong className="small">in use</strong>
              ) : m.beatsParent ? (
                <button type="button" className="small" disabled={busy} onClick={() => void run(() => api['clinic.use']({ id: m.id }))}>
                  Use
                </button>
              ) : (
                <span className="muted small">not better than the shipped model</span>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="small" data-testid="model-in-use">
        Tracing with: {status.parent.name} {status.parent.version}
        {status.active ? ' + this clinic’s corrections' : ' (as shipped)'}{' '}
        {status.active && (
          <button type="button" className="small link" disabled={busy} onClick={() => void run(() => api['clinic.use']({ id: null }))} data-testid="revert">
            back to the shipped model
          </button>
        )}
      </p>
      {error && <p className="error small">{error}</p>}
    </section>
  );
}
