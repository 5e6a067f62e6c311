// The open case's patient record (name, ID, birth date, sex: DICOM's values to start with, any
// case's editable), and the case's archive and delete, with a confirmation step for delete. Giving
// the record the name and ID of another patient files the case under that patient.
import { useEffect, useState, type FormEvent } from 'react';
import type { ApiClient, CaseDetail } from '../../src-shared/api/contract.js';
import { asAppError } from '../api/envelope.js';

interface Props {
  api: ApiClient;
  detail: CaseDetail;
  /** the case changed (record saved, archived or restored) */
  onChanged(detail: CaseDetail): void;
  onDeleted(imageId: number): void;
}

export function PatientRecord({ api, detail, onChanged, onDeleted }: Props) {
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [birth, setBirth] = useState('');
  const [sex, setSex] = useState('');
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setName((detail.patientName ?? '').replaceAll('^', ' ').trim());
    setId(detail.patientId ?? '');
    setBirth(detail.birthDate ?? '');
    setSex(detail.sex ?? '');
  }, [detail.imageId, detail.patientName, detail.patientId, detail.birthDate, detail.sex]);
  useEffect(() => {
    setNote(null);
    setConfirming(false);
  }, [detail.imageId]);

  const act = async (fn: () => Promise<string | null>) => {
    setBusy(true);
    setNote(null);
    try {
      const said = await fn();
      if (said) setNote({ ok: true, text: said });
    } catch (e) {
      setNote({ ok: false, text: asAppError(e).message });
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      // the name is kept as typed; DICOM's ^ separators read as spaces in the form
      const shownBefore = (detail.patientName ?? '').replaceAll('^', ' ').trim();
      const nameOut = name.trim() === shownBefore ? detail.patientName : name.trim() || null;
      onChanged(await api['patients.edit']({ imageId: detail.imageId, name: nameOut, patientId: id.trim() || null, birthDate: birth || null, sex: (sex || null) as 'M' | 'F' | 'O' | null }));
      return 'Saved';
    });
  };

  return (
    <section className="panel patient-record" aria-label="Patient">
      <h2>Patient record</h2>
      <form onSubmit={save} className="dicom-form" aria-label="Patient record">
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Patient name" maxLength={256} />
        </label>
        <div className="grid2">
          <label>
            Patient ID <input value={id} onChange={(e) => setId(e.target.value)} aria-label="Patient ID" maxLength={64} />
          </label>
          <label>
            Sex
            <select value={sex} onChange={(e) => setSex(e.target.value)} aria-label="Sex">
              <option value="">unknown</option>
              <option value="F">female</option>
              <option value="M">male</option>
              <option value="O">other</option>
            </select>
          </label>
        </div>
        <label>
          Birth date <input type="date" value={birth} onChange={(e) => setBirth(e.target.value)} aria-label="Birth date" />
        </label>
        <p className="hint small">The record applies to every study of this patient; the name and ID of another patient file this case under them.</p>
        <div className="row">
          <button type="submit" disabled={busy} data-testid="save-patient">
            Save
          </button>
          <button type="button" disabled={busy} onClick={() => void act(async () => (onChanged(await api['cases.archive']({ imageId: detail.imageId, archived: !detail.archived })), null))} data-testid="archive-case">
            {detail.archived ? 'Restore to the list' : 'Archive'}
          </button>
          {!confirming && (
            <button type="button" disabled={busy} className="danger" onClick={() => setConfirming(true)} data-testid="delete-case">
              Delete…
            </button>
          )}
        </div>
        {confirming && (
          <div className="confirm" role="alertdialog" aria-label="Delete this case?">
            <p className="small">Delete this case, its tracings and its copy of the image? This cannot be undone (archiving keeps it).</p>
            <div className="row">
              <button type="button" className="danger" disabled={busy} onClick={() => void act(async () => (await api['cases.delete']({ imageId: detail.imageId, confirm: true }), onDeleted(detail.imageId), null))} data-testid="confirm-delete">
                Delete
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        )}
        {note && (
          <p className={note.ok ? 'muted small' : 'error'} role={note.ok ? 'status' : 'alert'} data-testid="patient-note">
            {note.text}
          </p>
        )}
      </form>
    </section>
  );
}
