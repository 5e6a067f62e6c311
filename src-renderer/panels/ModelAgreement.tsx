// How far the model's tracings are from what the clinic's clinicians made of them: on every
// reviewed or corrected case, per landmark the distance between the model's point and the final one,
// per measure of the chosen analysis ICC, Bland-Altman bias and limits and Dahlberg's error; with the
// printed report (a Bland-Altman plot per measure) and CSV. Closed until asked for: it reads every
// corrected case.
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../../src-shared/api/contract.js';
import type { TracingAgreement } from '../../src-shared/agreement/tracings.js';
import type { AppErrorData } from '../../src-shared/errors.js';
import { asAppError } from '../api/envelope.js';
import { downloadBase64 } from '../util/files.js';

interface Props {
  api: ApiClient;
  analysisId: string;
  /** changes whenever the case list was reloaded: corrections may have been made */
  casesVersion: unknown;
}

const fmt = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));

export function ModelAgreement({ api, analysisId, casesVersion }: Props) {
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState<TracingAgreement | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    let live = true;
    setBusy(true);
    api['agreement.modelVsClinician']({ analyses: [analysisId] }).then(
      (r) => {
        if (!live) return;
        setResult(r);
        setError(null);
      },
      (e: unknown) => {
        if (!live) return;
        setResult(null);
        setError(asAppError(e));
      },
    ).finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [api, analysisId, open, casesVersion]);

  const exportAs = useCallback(
    async (format: 'pdf' | 'csv') => {
      try {
        const file = await api['agreement.report']({ analyses: [analysisId], format });
        downloadBase64(file.fileName, file.mimeType, file.dataBase64);
      } catch (e) {
        setError(asAppError(e));
      }
    },
    [api, analysisId],
  );

  const u = result?.distanceUnit ?? 'mm';
  return (
    <details className="panel agreement" aria-label="Model against clinician" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        <h2>Model vs clinician</h2>
      </summary>
      {busy && <p className="muted small">Comparing…</p>}
      {error && (
        <p className="muted small" data-testid="agreement-error" data-code={error.code}>
          {error.message}
        </p>
      )}
      {result && (
        <div data-testid="agreement" data-images={result.images}>
          <p className="small">
            {result.images} reviewed or corrected case{result.images === 1 ? '' : 's'}; the model's points against the final ones.
          </p>
          <table className="small">
            <thead>
              <tr>
                <th>Landmark</th>
                <th className="num">mean {u}</th>
                {u === 'mm' && <th className="num">≤ 2 mm</th>}
              </tr>
            </thead>
            <tbody>
              {result.landmarks.map((l) => (
                <tr key={l.id} data-landmark-id={l.id}>
                  <td>{l.id.replace(/_/g, ' ')}</td>
                  <td className="num">{fmt(l.meanDistance)}</td>
                  {u === 'mm' && <td className="num">{fmt(l.sdr?.['2mm'], 0)} %</td>}
                </tr>
              ))}
            </tbody>
          </table>
          {result.measures.length > 0 && (
            <table className="small" title="ICC(2,1): absolute agreement, with its 95 % interval. Bias: clinician − model. Limits: bias ± 1.96 SD.">
              <thead>
                <tr>
                  <th>Measure</th>
                  <th className="num">ICC(2,1)</th>
                  <th className="num">bias</th>
                  <th className="num">limits</th>
                  <th className="num">Dahlberg</th>
                </tr>
              </thead>
              <tbody>
                {result.measures.map((m) => (
                  <tr key={m.id} data-measure-id={m.id} data-icc2={m.icc?.icc2.value ?? ''}>
                    <td>{m.name}</td>
                    <td className="num" title={m.icc ? `95 % CI ${fmt(m.icc.icc2.lower, 3)} to ${fmt(m.icc.icc2.upper, 3)}` : 'too few cases'}>
                      {fmt(m.icc?.icc2.value, 3)}
                    </td>
                    <td className="num">{fmt(m.blandAltman.bias)}</td>
                    <td className="num">
                      {fmt(m.blandAltman.lower, 1)} … {fmt(m.blandAltman.upper, 1)}
                    </td>
                    <td className="num">{fmt(m.dahlberg)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="row">
            <button type="button" className="small" onClick={() => void exportAs('pdf')} data-testid="agreement-pdf">
              PDF
            </button>
            <button type="button" className="small" onClick={() => void exportAs('csv')}>
              CSV
            </button>
          </div>
        </div>
      )}
    </details>
  );
}
