// The measurements of the selected analysis, recomputed from the live landmark positions: while
// a landmark is dragged the values follow the mouse. Each row shows value, norm and deviation,
// and rows out of the norm's ±1 SD range are highlighted.
import { useLayoutEffect, useMemo, useSyncExternalStore } from 'react';
import { ANALYSES, evaluateAnalysis, type AnalysisEvaluation, type MeasureEvaluation, type Unit } from '../../src-shared/ceph/index.js';
import { describeIsbiClass } from '../../src-shared/ceph/isbi-classification.js';
import { landmarkById } from '../../src-shared/landmarks.js';
import { perf } from '../perf.js';
import { liveTracing } from '../viewer/liveTracing.js';

interface Props {
  analysisId: string;
  onAnalysisChange(id: string): void;
  mmPerPixel: number | undefined;
  hasImage: boolean;
  /** flagged landmarks not yet reviewed: the measures computed from them are marked */
  unreviewed: ReadonlySet<string>;
  /** why there are no measurements, where the image was refused */
  withheld?: string | null;
}

const UNIT_SUFFIX: Record<Unit, string> = { deg: '°', mm: ' mm', ratio: '', percent: '%' };

function fmt(v: number, unit: Unit): string {
  return `${v.toFixed(unit === 'ratio' ? 2 : 1)}${UNIT_SUFFIX[unit]}`;
}

function abbrs(ids: readonly string[]): string {
  return ids.map((id) => landmarkById(id)?.abbr ?? id).join(', ');
}

function Row({ m, unreviewed, classes }: { m: MeasureEvaluation; unreviewed: ReadonlySet<string>; classes: boolean }) {
  const r = m.result;
  const doubtful = m.needs.filter((id) => unreviewed.has(id));
  if (r.status !== 'ok') {
    const why = r.status === 'missing' ? `needs ${abbrs(r.missing)}` : r.status === 'uncalibrated' ? 'uncalibrated' : `cannot compute: ${r.reason}`;
    return (
      <tr data-measure-id={m.id} data-status={r.status} className="unavailable">
        <td>{m.name}</td>
        <td colSpan={3} className="muted small">
          {why}
        </td>
      </tr>
    );
  }
  const out = r.flag === 'high' || r.flag === 'low';
  const isbiClass = classes ? describeIsbiClass(m.id, r.value) : null;
  return (
    <tr data-measure-id={m.id} data-status="ok" data-flag={r.flag ?? ''} data-unreviewed={doubtful.length ? abbrs(doubtful) : undefined} className={[out ? 'out-of-range' : '', doubtful.length ? 'unreviewed' : ''].join(' ').trim()}>
      <td>
        {m.name}
        {doubtful.length > 0 && (
          <span className="unreviewed-mark" title={`depends on ${abbrs(doubtful)}: flagged and not yet reviewed`}>
            {' '}
            ⚑
          </span>
        )}
        {classes && (
          <div className="small isbi-class" data-class={isbiClass?.label ?? ''} title="ISBI 2015 challenge class and the threshold that decided it">
            {isbiClass?.text ?? ''}
          </div>
        )}
      </td>
      <td className="num value" data-value={r.value}>
        {fmt(r.value, m.unit)}
        {r.flag === 'high' ? ' ↑' : r.flag === 'low' ? ' ↓' : ''}
      </td>
      <td className="num small" title={r.norm?.source}>
        {r.norm ? `${fmt(r.norm.mean, m.unit)} ± ${r.norm.sd.toFixed(1)}` : '—'}
      </td>
      <td className="num small">{r.deviation === undefined ? '—' : `${r.deviation >= 0 ? '+' : ''}${r.deviation.toFixed(1)} SD`}</td>
    </tr>
  );
}

export function Measurements({ analysisId, onAnalysisChange, mmPerPixel, hasImage, unreviewed, withheld }: Props) {
  const tracing = useSyncExternalStore(liveTracing.subscribe, liveTracing.get);
  const evaluation = useMemo<AnalysisEvaluation | Error>(() => {
    try {
      return evaluateAnalysis(analysisId, tracing, { mmPerPixel });
    } catch (e) {
      return e as Error;
    }
  }, [analysisId, tracing, mmPerPixel]);

  // after React has written the new values to the DOM: the end of one live update
  useLayoutEffect(() => perf.measurementUpdateCommitted(), [evaluation]);

  return (
    <section className="panel" aria-label="Measurements">
      <h2>Measurements</h2>
      <select value={analysisId} onChange={(e) => onAnalysisChange(e.target.value)} aria-label="Analysis">
        {Object.values(ANALYSES).map((a) => (
          <option key={a.id} value={a.id} title={a.description}>
            {a.name}
          </option>
        ))}
      </select>
      {!hasImage ? (
        <p className="muted">Open a case to see its measurements.</p>
      ) : withheld ? (
        <p className="withheld" role="note" data-testid="measurements-withheld">
          {withheld}
        </p>
      ) : evaluation instanceof Error ? (
        <p className="error" role="alert">
          {evaluation.message}
        </p>
      ) : (
        <>
          {evaluation.missing.length > 0 && <p className="muted small">Still to place: {abbrs(evaluation.missing)}</p>}
          {evaluation.measures.some((m) => m.needs.some((id) => unreviewed.has(id))) && <p className="muted small">⚑ computed from a flagged landmark not yet reviewed</p>}
          {mmPerPixel === undefined && <p className="muted small">Not calibrated: linear measures read “uncalibrated” until a ruler is set.</p>}
          <table className="measures" data-analysis={evaluation.analysisId}>
            <thead>
              <tr>
                <th>Measure</th>
                <th className="num">Value</th>
                <th className="num">Norm</th>
                <th className="num">Dev.</th>
              </tr>
            </thead>
            <tbody>
              {evaluation.measures.map((m) => (
                <Row key={m.id} m={m} unreviewed={unreviewed} classes={evaluation.analysisId === 'isbi2015'} />
              ))}
            </tbody>
          </table>
          <p className="muted small">Norms: {evaluation.normSet}</p>
        </>
      )}
    </section>
  );
}
