// Exports a report of the open case through reports.create and downloads it. The report service
// may be missing from an older server: its error is shown, never thrown at the user.
import { useState } from 'react';
import type { ApiClient } from '../../src-shared/api/contract.js';
import { ANALYSES } from '../../src-shared/ceph/index.js';
import type { AppErrorData } from '../../src-shared/errors.js';
import { asAppError } from '../api/envelope.js';
import { downloadBase64 } from '../util/files.js';

type Format = 'pdf' | 'csv' | 'json';

const KEPT = 'medsapiens.reportAnalyses';

/** the analyses chosen for reports last time (known ones only) */
function keptAnalyses(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEPT) ?? '[]');
    return Array.isArray(v) ? v.filter((id): id is string => typeof id === 'string' && id in ANALYSES) : [];
  } catch {
    return [];
  }
}

interface Props {
  api: ApiClient;
  imageId: number;
  analysisId: string;
}

export function ReportExport({ api, imageId, analysisId }: Props) {
  const [format, setFormat] = useState<Format>('pdf');
  const [anonymise, setAnonymise] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // several analyses in one report; none chosen: the one on screen
  const [chosen, setChosen] = useState<string[]>(keptAnalyses);
  const analyses = chosen.length ? chosen : [analysisId];
  const toggle = (id: string, on: boolean) => {
    const next = on ? [...new Set([...analyses, id])] : analyses.filter((a) => a !== id);
    const ordered = Object.keys(ANALYSES).filter((a) => next.includes(a));
    localStorage.setItem(KEPT, JSON.stringify(ordered));
    setChosen(ordered);
  };

  async function run() {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await api['reports.create']({ imageId, analyses, format, anonymise });
      downloadBase64(r.fileName, r.mimeType, r.dataBase64);
      setDone(r.fileName);
    } catch (e) {
      const err = asAppError(e);
      setError({ code: err.code, message: err.code === 'not_found' ? `reports are not available from this server (${err.message})` : err.message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-label="Report">
      <h2>Report</h2>
      <div className="row">
        <select value={format} onChange={(e) => setFormat(e.target.value as Format)} aria-label="Report format">
          <option value="pdf">PDF</option>
          <option value="csv">CSV</option>
          <option value="json">JSON</option>
        </select>
        <label className="small" title="Leaves out the patient's name, ID, birth date and study UID, and keeps dates to the year. Text burnt into the radiograph itself is not removed.">
          <input type="checkbox" checked={anonymise} onChange={(e) => setAnonymise(e.target.checked)} /> anonymise
        </label>
        <button type="button" onClick={() => void run()} disabled={busy} data-testid="export-report">
          {busy ? 'Exporting…' : 'Export'}
        </button>
      </div>
      <details className="report-analyses small">
        <summary data-testid="report-analyses">Analyses in the report: {analyses.map((a) => ANALYSES[a]?.name ?? a).join(', ')}</summary>
        {Object.values(ANALYSES).map((a) => (
          <label key={a.id} className="check">
            <input type="checkbox" checked={analyses.includes(a.id)} disabled={analyses.length === 1 && analyses.includes(a.id)} onChange={(e) => toggle(a.id, e.target.checked)} data-analysis={a.id} /> {a.name}
          </label>
        ))}
      </details>
      {anonymise && format === 'pdf' && <p className="muted small" data-testid="burnt-in-warning">Text burnt into the radiograph (a name on the film) is not removed.</p>}
      {done && <p className="muted small">Saved {done}</p>}
      {error && (
        <p className="error" role="alert" data-code={error.code}>
          <code>{error.code}</code> — {error.message}
        </p>
      )}
    </section>
  );
}
