// The patient's studies over time (T0, T1 ... with the age at each) and their superimposition:
// pick the studies and the registration, and the tracings are drawn over the first study's image,
// each in its colour, with the change table of the chosen analysis and the exports.
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, CaseDetail } from '../../src-shared/api/contract.js';
import { REGISTRATIONS, type RegistrationId } from '../../src-shared/superimposition/registration.js';
import type { Superimposition, Timeline as TimelineData } from '../../src-shared/superimposition/schema.js';
import { timePointColour } from '../../src-shared/superimposition/drawing.js';
import type { AppErrorData } from '../../src-shared/errors.js';
import { asAppError } from '../api/envelope.js';
import { downloadBase64 } from '../util/files.js';

interface Props {
  api: ApiClient;
  detail: CaseDetail;
  analysisId: string;
  /** the superimposition shown (its first study is the one drawn on), or null */
  shown: Superimposition | null;
  onShow(s: Superimposition | null): void;
  onOpen(imageId: number): void;
  /** the later films blended over the first, and how strongly */
  blend: { on: boolean; opacity: number };
  onBlend(b: { on: boolean; opacity: number }): void;
}

const fmt = (v: number | null, d = 1) => (v === null ? '–' : (Number(v.toFixed(d)) || 0).toFixed(d));

export function Timeline({ api, detail, analysisId, shown, onShow, onOpen, blend, onBlend }: Props) {
  const [timeline, setTimeline] = useState<TimelineData | null>(null);
  const [chosen, setChosen] = useState<number[]>([]);
  const [registration, setRegistration] = useState<RegistrationId>('sn-at-s');
  const [error, setError] = useState<AppErrorData | null>(null);
  const [busy, setBusy] = useState(false);

  const imageId = detail.imageId;
  useEffect(() => {
    let live = true;
    api['patients.timeline']({ imageId }).then(
      (t) => {
        if (!live) return;
        setTimeline(t);
        setChosen(t.entries.filter((e) => e.traced && e.calibrated).map((e) => e.imageId));
      },
      (e: unknown) => live && setError(asAppError(e)),
    );
    return () => {
      live = false;
    };
  }, [api, imageId]);

  const compute = useCallback(
    async (ids: number[], navigate: boolean) => {
      setBusy(true);
      setError(null);
      try {
        const s = await api['superimposition.compute']({ imageIds: ids, registration, analyses: [analysisId] });
        onShow(s);
        // drawn on the first study's image: open it
        if (navigate && ids[0] !== imageId) onOpen(ids[0]);
      } catch (e) {
        setError(asAppError(e));
      } finally {
        setBusy(false);
      }
    },
    [api, registration, analysisId, imageId, onShow, onOpen],
  );

  // edits on the open study move its tracing: the superimposition follows them
  const points = detail.landmarks?.points;
  const active = shown !== null && shown.imageIds.includes(imageId);
  useEffect(() => {
    if (active && shown) void compute(shown.imageIds, false);
  }, [points, registration, analysisId]); // eslint-disable-line react-hooks/exhaustive-deps

  async function exportAs(format: 'pdf' | 'csv') {
    if (!shown) return;
    try {
      const r = await api['superimposition.report']({ imageIds: shown.imageIds, registration, analyses: [analysisId], format });
      downloadBase64(r.fileName, r.mimeType, r.dataBase64);
    } catch (e) {
      setError(asAppError(e));
    }
  }

  if (!timeline) return null;
  const ordered = timeline.entries.filter((e) => chosen.includes(e.imageId)).map((e) => e.imageId);
  return (
    <section className="panel" aria-label="Timeline" data-testid="timeline">
      <h2>Timeline</h2>
      <ul className="timeline-list">
        {timeline.entries.map((e) => {
          const usable = e.traced && e.calibrated;
          return (
            <li key={e.imageId} data-image-id={e.imageId} className={e.imageId === imageId ? 'current' : ''}>
              <label className="small" title={usable ? '' : e.traced ? 'no pixel spacing or ruler: cannot be superimposed in mm' : 'not traced'}>
                <input
                  type="checkbox"
                  disabled={!usable}
                  checked={chosen.includes(e.imageId)}
                  onChange={(ev) => setChosen((c) => (ev.target.checked ? [...c, e.imageId] : c.filter((x) => x !== e.imageId)))}
                />{' '}
                <strong>{e.label}</strong> {e.studyDate ?? 'undated'}
                {e.ageYears !== null ? ` · age ${e.ageYears.toFixed(1)}` : ''}
                {!usable && <span className="muted">{e.traced ? ' · uncalibrated' : ' · not traced'}</span>}
              </label>{' '}
              {e.imageId !== imageId && (
                <button type="button" className="link small" onClick={() => onOpen(e.imageId)}>
                  open
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {timeline.entries.length < 2 ? (
        <p className="muted small">One study of this patient. Studies imported with the same patient ID and name line up here, and can be superimposed.</p>
      ) : (
        <div className="row">
          <select value={registration} onChange={(e) => setRegistration(e.target.value as RegistrationId)} aria-label="Registration">
            {Object.entries(REGISTRATIONS).map(([id, r]) => (
              <option key={id} value={id}>
                {r.name}
              </option>
            ))}
          </select>
          <button type="button" disabled={busy || ordered.length < 2} onClick={() => void compute(ordered, true)} data-testid="superimpose">
            Superimpose
          </button>
          {shown && (
            <button type="button" className="small" onClick={() => onShow(null)}>
              Clear
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-code={error.code}>
          {error.message}
        </p>
      )}
      {shown && active && (
        <div data-testid="change-table">
          <p className="small">
            {shown.timePoints.map((t, i) => (
              <span key={t.label} className="legend-item">
                <span className="swatch" style={{ background: timePointColour(i) }} /> {t.label}
              </span>
            ))}
          </p>
          <p className="muted small">Registered: {shown.registration.description}.</p>
          <div className="row small">
            <label title="Lay the later films, each tinted in its colour, over the first in the registration">
              <input type="checkbox" checked={blend.on} onChange={(e) => onBlend({ ...blend, on: e.target.checked })} data-testid="blend-images" /> Blend images
            </label>
            {blend.on && (
              <input
                type="range"
                min={0.1}
                max={0.9}
                step={0.05}
                value={blend.opacity}
                onChange={(e) => onBlend({ ...blend, opacity: Number(e.target.value) })}
                aria-label="Opacity of the blended films"
              />
            )}
          </div>
          <table className="small">
            <thead>
              <tr>
                <th>Measure</th>
                {shown.timePoints.map((t) => (
                  <th key={t.label} className="num">
                    {t.label.split(' ')[0]}
                  </th>
                ))}
                <th className="num">change</th>
              </tr>
            </thead>
            <tbody>
              {shown.measures.map((m) => (
                <tr key={m.id} data-measure-id={m.id}>
                  <td>{m.name}</td>
                  {m.values.map((v, i) => (
                    <td key={i} className="num">
                      {fmt(v)}
                    </td>
                  ))}
                  <td className="num" data-change={m.changes[m.changes.length - 1] ?? ''}>
                    {fmt(m.changes[m.changes.length - 1])}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <button type="button" className="small" onClick={() => void exportAs('pdf')} data-testid="superimposition-pdf">
              PDF
            </button>
            <button type="button" className="small" onClick={() => void exportAs('csv')}>
              CSV
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
