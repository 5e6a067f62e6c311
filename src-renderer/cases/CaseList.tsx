// The case list: search (name, patient ID or date, answered by cases.list), the three ways to
// import, the progress of an import and what went wrong with which file. Each case shows its film
// small and its review state; a patient's several studies sit together under the patient.
import { useEffect, useRef, useState } from 'react';
import type { ApiClient, CaseSummary } from '../../src-shared/api/contract.js';
import type { ImportOutcome, ImportProgress } from './importFiles.js';
import { groupByPatient } from './patientGroups.js';
import { Thumbnail } from './Thumbnail.js';

interface Props {
  api: ApiClient;
  cases: readonly CaseSummary[] | null;
  selectedId: number | null;
  onSearch(text: string): void;
  onOpen(imageId: number): void;
  onImport(files: File[]): void;
  progress: ImportProgress | null;
  outcomes: readonly ImportOutcome[];
  onDismissOutcomes(): void;
  /** the archived cases instead of the others */
  showArchived: boolean;
  onShowArchived(on: boolean): void;
}

const ACCEPT = '.dcm,.dicom,.jpg,.jpeg,.png,.tif,.tiff,.bmp,application/dicom,image/*';
const SEARCH_DELAY_MS = 250;

const REVIEW_LABEL: Record<CaseSummary['reviewState'], (n: number) => string> = {
  not_traced: () => 'no landmarks',
  refused: () => 'not a cephalogram',
  to_review: (n) => `${n} point${n === 1 ? '' : 's'} to review`,
  not_reviewed: () => 'not reviewed',
  reviewed: () => 'reviewed ✓',
};

function caseTitle(c: CaseSummary): string {
  return c.patientName || c.fileName;
}

export function CaseList({ api, cases, selectedId, onSearch, onOpen, onImport, progress, outcomes, onDismissOutcomes, showArchived, onShowArchived }: Props) {
  const [text, setText] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const t = setTimeout(() => onSearch(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, onSearch]);

  // React has no typed prop for it; the attribute makes the dialog pick a whole folder
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const pick = (input: HTMLInputElement | null) => {
    const files = input?.files ? Array.from(input.files) : [];
    if (input) input.value = '';
    if (files.length) onImport(files);
  };
  const failures = outcomes.filter((o): o is Extract<ImportOutcome, { ok: false }> => !o.ok);
  const imported = outcomes.length - failures.length;
  const warnings = outcomes.filter((o): o is Extract<ImportOutcome, { ok: true }> => o.ok && !!o.warning);
  const busy = progress !== null && progress.done < progress.total;
  const row = (c: CaseSummary, title: string) => (
    <button type="button" className={c.imageId === selectedId ? 'case selected' : 'case'} data-image-id={c.imageId} onClick={() => onOpen(c.imageId)}>
      <Thumbnail api={api} imageId={c.imageId} />
      <span className="case-text">
        <span className="case-title">{title}</span>
        <span className="case-meta">{[c.patientId, c.studyDate, `${c.width}×${c.height}`].filter(Boolean).join(' · ')}</span>
        <span className="case-meta" title="imported">
          imported {c.createdAt.slice(0, 10)}
        </span>
        <span className={`review-state ${c.reviewState}`} data-review-state={c.reviewState}>
          {REVIEW_LABEL[c.reviewState](c.toReview)}
        </span>
      </span>
    </button>
  );

  return (
    <section className="case-list" aria-label="Cases">
      <div className="import-buttons">
        <button type="button" onClick={() => fileInput.current?.click()} disabled={busy}>
          Import files…
        </button>
        <button type="button" onClick={() => folderInput.current?.click()} disabled={busy}>
          Import folder…
        </button>
        <input ref={fileInput} data-testid="file-input" type="file" multiple accept={ACCEPT} hidden onChange={(e) => pick(e.currentTarget)} />
        <input ref={folderInput} data-testid="folder-input" type="file" multiple hidden onChange={(e) => pick(e.currentTarget)} />
      </div>
      <p className="hint">or drop images or a folder anywhere on the window</p>

      {progress && busy && (
        <div className="import-progress" role="status">
          <progress max={progress.total} value={progress.done} />
          <span>
            Importing {progress.done + 1} of {progress.total}: {progress.current}
          </span>
        </div>
      )}

      {outcomes.length > 0 && !busy && (
        <div className={failures.length ? 'import-report has-errors' : 'import-report'} role={failures.length ? 'alert' : 'status'}>
          <div className="import-summary">
            {imported} imported{failures.length ? `, ${failures.length} failed` : ''}
            <button type="button" className="link" onClick={onDismissOutcomes} aria-label="Dismiss import report">
              ×
            </button>
          </div>
          {warnings.length > 0 && (
            <ul className="import-warnings">
              {warnings.map((w, i) => (
                <li key={i}>
                  <strong>{w.fileName}</strong>: {w.warning}
                </li>
              ))}
            </ul>
          )}
          {failures.length > 0 && (
            <ul className="import-errors">
              {failures.map((f, i) => (
                <li key={i} data-code={f.error.code}>
                  <strong>{f.fileName}</strong>: <code>{f.error.code}</code> — {f.error.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      <input className="search" type="search" placeholder="Search name, patient ID or date" value={text} onChange={(e) => setText(e.target.value)} aria-label="Search cases" />
      <label className="small show-archived">
        <input type="checkbox" checked={showArchived} onChange={(e) => onShowArchived(e.target.checked)} data-testid="show-archived" /> archived cases
      </label>
      {cases === null ? (
        <p className="muted">Loading…</p>
      ) : cases.length === 0 ? (
        <p className="muted">{text ? 'No case matches.' : showArchived ? 'No archived case.' : 'No cases yet: import a cephalogram.'}</p>
      ) : (
        <ul className="cases">
          {groupByPatient(cases).map((g) =>
            g.cases.length === 1 ? (
              <li key={g.cases[0]!.imageId}>{row(g.cases[0]!, caseTitle(g.cases[0]!))}</li>
            ) : (
              <li key={`patient-${g.patientRecord}`} className="patient-group" data-patient-record={g.patientRecord}>
                <div className="patient-head">
                  <span className="case-title">{caseTitle(g.cases[0]!)}</span>
                  <span className="case-meta">{[g.cases[0]!.patientId, `${g.cases.length} studies`].filter(Boolean).join(' · ')}</span>
                </div>
                <ul className="studies">
                  {g.cases.map((c) => (
                    <li key={c.imageId}>{row(c, c.studyDate ?? `imported ${c.createdAt.slice(0, 10)}`)}</li>
                  ))}
                </ul>
              </li>
            ),
          )}
        </ul>
      )}
    </section>
  );
}
