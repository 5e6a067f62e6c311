// Learning from the clinic: how many of its cases a clinician corrected or reviewed, "Adapt to this
// clinic" (instant per-landmark corrections) and "Deep adaptation" (LoRA fine-tuning in the background,
// with progress) once there are enough, the clinic models learnt so far with what they did on the
// clinic's own held-out cases, and which one is in use (switch, or back to the shipped model).
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
  // while a deep adaptation runs, its progress is polled (it runs in the main process, minutes)
  const deepRunning = !!status?.deep && ['preparing', 'training', 'exporting'].includes(status.deep.state);
  useEffect(() => {
    if (!deepRunning) return;
    const t = setInterval(() => {
      api['clinic.status']({}).then(setStatus, () => undefined);
    }, 2000);
    return () => clearInterval(t);
  }, [api, deepRunning]);

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
      </button>{' '}
      <button
        type="button"
        disabled={!enough || busy || deepRunning || !!status.deepUnavailable}
        onClick={() => void run(() => api['clinic.adaptDeep']({}))}
        data-testid="adapt-deep"
        title={status.deepUnavailable ?? 'Fine-tune the networks on the corrected cases (LoRA), in the background: minutes. A quarter of the cases are held out to judge the result.'}
      >
        Deep adaptation
      </button>
      {status.deepUnavailable && <p className="muted small" data-testid="deep-unavailable">{status.deepUnavailable}</p>}
      {status.deep && (
        <p className="small" data-testid="deep-progress" data-state={status.deep.state}>
          {deepRunning ? (
            <>
              <progress max={1} value={status.deep.fraction} /> {status.deep.state} {(100 * status.deep.fraction).toFixed(0)} %
              {status.deep.etaSeconds !== null && ` · about ${Math.ceil(status.deep.etaSeconds / 60)} min left`}{' '}
              <button type="button" className="small" onClick={() => void run(() => api['clinic.cancelDeep']({}))} data-testid="cancel-deep">
                Cancel
              </button>
            </>
          ) : (
            <>deep adaptation {status.deep.state}{status.deep.message ? `: ${status.deep.message}` : ''}</>
          )}
        </p>
      )}
      {status.models.length > 0 && (
        <ul className="clinic-models">
          {status.models.map((m) => (
            <li key={m.id} data-model-id={m.id} data-active={status.active === m.id}>
              <span className="small">
                {m.kind === 'lora' ? 'deep (LoRA)' : 'corrections'} · {m.createdAt.slice(0, 16).replace('T', ' ')} · {m.cases} cases · held-out error on {m.measuredOn}:{' '}
                {m.parentMre.toFixed(m.unit === 'mm' ? 2 : 1)} → {m.adaptedMre.toFixed(m.unit === 'mm' ? 2 : 1)} {m.unit} ({pct(m.adaptedMre, m.parentMre)} less)
                {m.coverageParent !== null && m.coverageAdapted !== null && ` · 90 % radius held ${(100 * m.coverageParent).toFixed(0)} → ${(100 * m.coverageAdapted).toFixed(0)} %`}
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
        {status.active ? (status.models.find((m) => m.id === status.active)?.kind === 'lora' ? ' fine-tuned for this clinic' : ' + this clinic’s corrections') : ' (as shipped)'}{' '}
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
