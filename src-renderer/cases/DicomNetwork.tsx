// The clinic's DICOM network: the receiver the X-ray device sends to (off until enabled), the PACS
// the app searches, pulls studies from and sends results to, and the search itself. Received and
// retrieved images are imported and traced by the main process; the panel asks for the state every
// few seconds and tells the case list when something new was imported.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiClient, DicomReceiverStatus, PacsStatus, PacsStudy } from '../../src-shared/api/contract.js';
import { asAppError } from '../api/envelope.js';

const POLL_MS = 2000;
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const iso = (d: string) => d.replaceAll('-', '');

interface Props {
  api: ApiClient;
  /** the analysis the viewer shows: what automatic sends report by default */
  analysisId: string;
  /** something was imported since the last look (stable: a new function restarts polling) */
  onProcessed(): unknown;
}

export function DicomNetwork({ api, analysisId, onProcessed }: Props) {
  const [receiver, setReceiver] = useState<DicomReceiverStatus | null>(null);
  const [pacs, setPacs] = useState<PacsStatus | null>(null);
  const [open, setOpen] = useState(false);
  const seen = useRef<number | null>(null);

  const takeReceiver = useCallback(
    (s: DicomReceiverStatus) => {
      setReceiver(s);
      const processed = s.imported + s.failed;
      if (seen.current !== null && processed !== seen.current) onProcessed();
      seen.current = processed;
    },
    [onProcessed],
  );

  useEffect(() => {
    let alive = true;
    const look = () => {
      api['dicom.receiver.status']({}).then((s) => alive && takeReceiver(s), () => undefined);
      api['pacs.status']({}).then((s) => alive && setPacs(s), () => undefined);
    };
    look();
    const timer = setInterval(look, POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [api, takeReceiver]);

  const state = receiver?.listening
    ? `receiving as ${receiver.config.aeTitle} on port ${receiver.config.port}`
    : receiver?.error
      ? 'receiver not running'
      : 'receiver off';
  return (
    <details className="panel dicom-network" aria-label="DICOM network" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>
        <h2>DICOM network</h2> <span className="muted small" data-testid="dicom-summary">{state}{pacs?.config ? ` · PACS ${pacs.config.aeTitle}` : ''}</span>
      </summary>
      {open && receiver && <ReceiverForm api={api} status={receiver} onChange={(s) => takeReceiver(s)} />}
      {open && pacs && <PacsForm api={api} status={pacs} analysisId={analysisId} onChange={setPacs} />}
      {open && pacs?.config && <PacsSearch api={api} receiving={!!receiver?.listening} />}
    </details>
  );
}

function ReceiverForm({ api, status, onChange }: { api: ApiClient; status: DicomReceiverStatus; onChange(s: DicomReceiverStatus): void }) {
  const c = status.config;
  const [enabled, setEnabled] = useState(c.enabled);
  const [aeTitle, setAeTitle] = useState(c.aeTitle);
  const [port, setPort] = useState(String(c.port));
  const [allowed, setAllowed] = useState(c.allowedCallingAeTitles.join(', '));
  const [hosts, setHosts] = useState(c.allowedHosts.join(', '));
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setRefusal(null);
    try {
      onChange(await api['dicom.receiver.set']({ enabled, aeTitle: aeTitle.trim(), port: Number(port), allowedCallingAeTitles: list(allowed), allowedHosts: list(hosts) }));
    } catch (err) {
      setRefusal(asAppError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="dicom-form" onSubmit={(e) => void save(e)} aria-label="DICOM receiver">
      <h3>Receive from devices</h3>
      {status.listening ? (
        <p data-testid="receiver-state" data-listening="true">
          Listening as <code>{status.config.aeTitle}</code> on port {status.config.port}: {status.received} received, {status.imported} imported
          {status.failed ? `, ${status.failed} failed` : ''}
          {status.refused ? `, ${status.refused} refused` : ''}
          {status.source === 'command-line' ? ' (set on the command line for this run)' : ''}
        </p>
      ) : status.error ? (
        <p className="error" role="alert" data-testid="receiver-state" data-listening="false">
          Not receiving: {status.error}
        </p>
      ) : (
        <p className="hint" data-testid="receiver-state" data-listening="false">
          Off. When on, X-ray devices and PACS can send images here (DICOM C-STORE); they are imported and traced as they arrive.
        </p>
      )}
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> receive
      </label>
      <div className="grid2">
        <label>
          AE title <input value={aeTitle} maxLength={16} onChange={(e) => setAeTitle(e.target.value)} aria-label="Our AE title" spellCheck={false} />
        </label>
        <label>
          Port <input value={port} inputMode="numeric" onChange={(e) => setPort(e.target.value)} aria-label="Receiver port" />
        </label>
      </div>
      <label>
        Senders allowed (AE titles, empty: any) <input value={allowed} onChange={(e) => setAllowed(e.target.value)} aria-label="Allowed senders" spellCheck={false} />
      </label>
      <label>
        Addresses allowed (empty: any) <input value={hosts} onChange={(e) => setHosts(e.target.value)} aria-label="Allowed addresses" spellCheck={false} />
      </label>
      <button type="submit" disabled={busy}>
        Save
      </button>
      {refusal && (
        <p className="error" role="alert" data-testid="receiver-refusal">
          {refusal}
        </p>
      )}
      {status.recent.length > 0 && (
        <ul className="recent small" data-testid="receiver-recent">
          {status.recent.slice(0, 5).map((r, i) => (
            <li key={`${r.at}-${i}`} className={r.ok ? '' : 'error'}>
              {r.at.slice(11, 19)} {r.callingAeTitle && `${r.callingAeTitle}: `}
              {r.message}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

function PacsForm({ api, status, analysisId, onChange }: { api: ApiClient; status: PacsStatus; analysisId: string; onChange(s: PacsStatus): void }) {
  const c = status.config;
  const [aeTitle, setAeTitle] = useState(c?.aeTitle ?? '');
  const [host, setHost] = useState(c?.host ?? '');
  const [port, setPort] = useState(c ? String(c.port) : '104');
  const [auto, setAuto] = useState(c?.sendAfterReview ?? false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (fn: () => Promise<string>) => {
    setBusy(true);
    setNote(null);
    try {
      setNote({ ok: true, text: await fn() });
    } catch (err) {
      setNote({ ok: false, text: asAppError(err).message });
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const s = await api['pacs.set']({ config: { aeTitle: aeTitle.trim(), host: host.trim(), port: Number(port), sendAfterReview: auto, analyses: [analysisId] } });
      onChange(s);
      return 'Saved';
    });
  };

  return (
    <form className="dicom-form" onSubmit={save} aria-label="PACS">
      <h3>PACS</h3>
      <div className="grid2">
        <label>
          AE title <input value={aeTitle} maxLength={16} onChange={(e) => setAeTitle(e.target.value)} aria-label="PACS AE title" spellCheck={false} />
        </label>
        <label>
          Port <input value={port} inputMode="numeric" onChange={(e) => setPort(e.target.value)} aria-label="PACS port" />
        </label>
      </div>
      <label>
        Host <input value={host} onChange={(e) => setHost(e.target.value)} aria-label="PACS host" spellCheck={false} placeholder="192.168.1.20" />
      </label>
      <label className="check" title="The tracing (DICOM SR) and the PDF report are stored to the PACS when a tracing is marked reviewed">
        <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> send results ({c?.sendAfterReview ? c.analyses.join(', ') : analysisId}) when a tracing is reviewed
      </label>
      <div className="row">
        <button type="submit" disabled={busy || !aeTitle.trim() || !host.trim()}>
          Save
        </button>
        <button type="button" disabled={busy || !c} onClick={() => void act(async () => `The PACS answers (${Math.round((await api['pacs.echo']({})).ms)} ms)`)} data-testid="pacs-echo">
          Test
        </button>
      </div>
      {note && (
        <p className={note.ok ? 'muted small' : 'error'} role={note.ok ? 'status' : 'alert'} data-testid="pacs-note">
          {note.text}
        </p>
      )}
    </form>
  );
}

function PacsSearch({ api, receiving }: { api: ApiClient; receiving: boolean }) {
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [modality, setModality] = useState('');
  const [studies, setStudies] = useState<PacsStudy[] | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const search = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('search');
    setNote(null);
    try {
      const r = await api['pacs.query']({ patientName: name || undefined, patientId: id || undefined, dateFrom: from ? iso(from) : undefined, dateTo: to ? iso(to) : undefined, modality: modality.trim().toUpperCase() || undefined });
      setStudies(r.studies);
    } catch (err) {
      setStudies(null);
      setNote({ ok: false, text: asAppError(err).message });
    } finally {
      setBusy(null);
    }
  };
  const retrieve = async (s: PacsStudy) => {
    setBusy(s.studyUid);
    setNote(null);
    try {
      const r = await api['pacs.retrieve']({ studyUid: s.studyUid });
      setNote({ ok: r.failed === 0, text: `${r.completed} image(s) of ${s.patientName ?? 'the study'} received${r.failed ? `, ${r.failed} failed` : ''}: they are traced as they arrive` });
    } catch (err) {
      setNote({ ok: false, text: asAppError(err).message });
    } finally {
      setBusy(null);
    }
  };

  return (
    <form className="dicom-form" onSubmit={(e) => void search(e)} aria-label="Search the PACS">
      <h3>Search the PACS</h3>
      <div className="grid2">
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Patient name" aria-label="Patient name" />
        <input value={id} onChange={(e) => setId(e.target.value)} placeholder="Patient ID" aria-label="Patient ID" />
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="From" />
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-label="To" />
        <input value={modality} onChange={(e) => setModality(e.target.value)} placeholder="Modality (DX, CR, OT…)" aria-label="Modality" maxLength={16} />
      </div>
      <button type="submit" disabled={busy !== null} data-testid="pacs-search">
        {busy === 'search' ? 'Searching…' : 'Search'}
      </button>
      {!receiving && <p className="hint small">Turn the receiver on to retrieve studies: the PACS sends them to it.</p>}
      {studies && (
        <table className="small" data-testid="pacs-results">
          <tbody>
            {studies.length === 0 && (
              <tr>
                <td className="muted">No study found</td>
              </tr>
            )}
            {studies.map((s) => (
              <tr key={s.studyUid} data-study-uid={s.studyUid}>
                <td>{(s.patientName ?? '?').replaceAll('^', ' ')}</td>
                <td>{s.patientId}</td>
                <td>{s.studyDate ? `${s.studyDate.slice(0, 4)}-${s.studyDate.slice(4, 6)}-${s.studyDate.slice(6, 8)}` : ''}</td>
                <td>{s.modalities.join(' ')}</td>
                <td>
                  <button type="button" className="link" disabled={!receiving || busy !== null} onClick={() => void retrieve(s)}>
                    {busy === s.studyUid ? 'Retrieving…' : 'Retrieve'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {note && (
        <p className={note.ok ? 'muted small' : 'error'} role={note.ok ? 'status' : 'alert'} data-testid="pacs-search-note">
          {note.text}
        </p>
      )}
    </form>
  );
}
