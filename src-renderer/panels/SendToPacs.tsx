// Stores the open case's tracing (DICOM SR) and report (Encapsulated PDF) to the clinic's PACS, in
// the image's study. Shown for cases that came from DICOM; says what to set up when no PACS is.
import { useEffect, useState } from 'react';
import type { ApiClient, PacsStatus } from '../../src-shared/api/contract.js';
import { asAppError } from '../api/envelope.js';

interface Props {
  api: ApiClient;
  imageId: number;
  analysisId: string;
}

export function SendToPacs({ api, imageId, analysisId }: Props) {
  const [pacs, setPacs] = useState<PacsStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let alive = true;
    api['pacs.status']({}).then((s) => alive && setPacs(s), () => undefined);
    setNote(null);
    return () => {
      alive = false;
    };
  }, [api, imageId]);

  if (!pacs) return null;
  const send = async () => {
    setBusy(true);
    setNote(null);
    try {
      const { outcomes } = await api['pacs.send']({ imageId, analyses: [analysisId], kinds: ['sr', 'pdf'] });
      const failed = outcomes.filter((o) => !o.ok);
      setNote({ ok: failed.length === 0, text: failed.length ? failed.map((o) => `${o.kind.toUpperCase()}: ${o.message}`).join('; ') : `Tracing (SR) and report (PDF) stored in ${pacs.config?.aeTitle}` });
    } catch (e) {
      setNote({ ok: false, text: asAppError(e).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="send-pacs row" data-testid="send-pacs">
      <button type="button" disabled={busy || !pacs.config} onClick={() => void send()} title={pacs.config ? `Store the tracing and the report in ${pacs.config.aeTitle}, in this image's study` : 'Set up the PACS under DICOM network first'}>
        {busy ? 'Sending…' : 'Send to PACS'}
      </button>
      {!pacs.config && <span className="muted small">no PACS set up</span>}
      {note && (
        <span className={note.ok ? 'muted small' : 'error small'} role={note.ok ? 'status' : 'alert'} data-testid="send-pacs-note">
          {note.text}
        </span>
      )}
    </div>
  );
}
