// The application shell: holds what is open and wires the panels to the API. Each panel renders
// only; the server remains the source of truth for cases, landmarks and calibration.
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { CaseDetail, CaseSummary } from '../src-shared/api/contract.js';
import { ANALYSES } from '../src-shared/ceph/index.js';
import type { AppError, AppErrorData } from '../src-shared/errors.js';
import { asAppError } from './api/envelope.js';
import type { Transport } from './api/transport.js';
import { CaseList } from './cases/CaseList.js';
import { WatchFolder } from './cases/WatchFolder.js';
import { DicomNetwork } from './cases/DicomNetwork.js';
import { ClinicAdaptation } from './cases/ClinicAdaptation.js';
import { calibrationOf, mmPerPixelOf } from './cases/calibration.js';
import { filesFromDrop } from './cases/dropFiles.js';
import { importFiles, isHiddenFile, type ImportOutcome, type ImportProgress } from './cases/importFiles.js';
import { LandmarkPanel } from './landmarks/LandmarkPanel.js';
import { CheckBanner } from './review/CheckBanner.js';
import { useLandmarkEditing } from './landmarks/useLandmarkEditing.js';
import { useShortcuts } from './landmarks/useShortcuts.js';
import { Calibration } from './panels/Calibration.js';
import { Measurements } from './panels/Measurements.js';
import { ReportExport } from './panels/ReportExport.js';
import { SendToPacs } from './panels/SendToPacs.js';
import { PatientRecord } from './panels/PatientRecord.js';
import { Timeline } from './panels/Timeline.js';
import { ModelAgreement } from './panels/ModelAgreement.js';
import { useBlendImages } from './viewer/useBlendImages.js';

const NO_FILMS: never[] = [];
import type { Superimposition } from '../src-shared/superimposition/schema.js';
import { timePointColour } from '../src-shared/superimposition/drawing.js';
import { perf } from './perf.js';
import { StatusBar } from './status/StatusBar.js';
import { useSystemStatus } from './status/useSystemStatus.js';
import { useTasks } from './status/useTasks.js';
import type { ImagePoint } from './viewer/coords.js';
import { liveTracing } from './viewer/liveTracing.js';
import { Viewer } from './viewer/Viewer.js';
import type { ViewerMode } from './viewer/ViewerController.js';

const OPEN_CASE_KEY = 'medsapiens.openCase';
// the mode a case opens in, and the one placing and measuring return to: landmarks can be dragged
const EDIT: ViewerMode = { kind: 'edit' };

type RightTab = 'measures' | 'landmarks' | 'patient';
const RIGHT_TABS: { id: RightTab; label: string }[] = [
  { id: 'measures', label: 'Measurements' },
  { id: 'landmarks', label: 'Landmarks' },
  { id: 'patient', label: 'Patient' },
];

export function App({ transport }: { transport: Transport }) {
  const { api } = transport;
  const [cases, setCases] = useState<CaseSummary[] | null>(null);
  const [search, setSearch] = useState('');
  const [showArchived, setShowArchived] = useState(false);
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [mode, setMode] = useState<ViewerMode>(EDIT);
  // the analysis chosen last time, else Steiner
  const [analysisId, setAnalysisIdState] = useState(() => {
    const kept = localStorage.getItem('medsapiens.analysis');
    return kept && kept in ANALYSES ? kept : 'steiner' in ANALYSES ? 'steiner' : Object.keys(ANALYSES)[0]!;
  });
  const setAnalysisId = useCallback((id: string) => {
    localStorage.setItem('medsapiens.analysis', id);
    setAnalysisIdState(id);
  }, []);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [outcomes, setOutcomes] = useState<ImportOutcome[]>([]);
  const [draftRuler, setDraftRuler] = useState<{ p1: ImagePoint; p2: ImagePoint } | null>(null);
  const [activity, setActivity] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [superimposition, setSuperimposition] = useState<Superimposition | null>(null);
  // the later films blended over the first, and how strongly
  const [blend, setBlend] = useState({ on: false, opacity: 0.5 });
  // the analysis's lines over the image: on unless the user turned them off
  const [showLines, setShowLines] = useState(() => localStorage.getItem('medsapiens.showLines') !== '0');

  const { status, error: statusError, refresh: refreshStatus } = useSystemStatus(api);
  const tasks = useTasks(transport);
  const showError = useCallback(
    (e: AppError | AppErrorData) => {
      setError({ code: e.code, message: e.message });
      if (e.code === 'model_invalid') refreshStatus();
    },
    [refreshStatus],
  );

  // typing fast sends several searches; only the latest one's answer may fill the list
  const listRequest = useRef(0);
  const refreshCases = useCallback(async () => {
    const mine = ++listRequest.current;
    try {
      const list = await api['cases.list']({ ...(search ? { search } : {}), ...(showArchived ? { archived: true } : {}) });
      if (mine === listRequest.current) setCases(list);
    } catch (e) {
      showError(asAppError(e));
    }
  }, [api, search, showArchived, showError]);
  useEffect(() => {
    void refreshCases();
  }, [refreshCases]);

  const openCase = useCallback(
    async (imageId: number) => {
      setActivity('Opening case…');
      try {
        const d = await api['cases.get']({ imageId });
        setDetail(d);
        setDraftRuler(null);
        setMode(EDIT);
        sessionStorage.setItem(OPEN_CASE_KEY, String(imageId));
      } catch (e) {
        showError(asAppError(e));
      } finally {
        setActivity(null);
      }
    },
    [api, showError],
  );

  // a reload comes back to the case that was open (its edits are already on the server)
  useEffect(() => {
    const last = Number(sessionStorage.getItem(OPEN_CASE_KEY));
    if (last > 0) void openCase(last);
  }, [openCase]);

  useEffect(() => liveTracing.replaceAll(detail?.landmarks?.points ?? null), [detail?.landmarks]);
  // a detection may just have loaded the model on the server
  const setId = detail?.landmarks?.setId;
  useEffect(() => {
    if (setId !== undefined) refreshStatus();
  }, [setId, refreshStatus]);

  const reload = useCallback((imageId: number) => void openCase(imageId), [openCase]);
  const editing = useLandmarkEditing(api, detail, setDetail, showError, reload);

  const importAll = useCallback(
    async (all: File[]) => {
      const files = all.filter((f) => !isHiddenFile(f));
      if (!files.length) return;
      setOutcomes([]);
      const results = await importFiles(api, files, setProgress);
      setProgress(null);
      setOutcomes(results);
      refreshStatus();
      await refreshCases();
      const imported = results.filter((r): r is Extract<ImportOutcome, { ok: true }> => r.ok);
      // one image: the user wants to see it; a folder: they pick from the list
      if (files.length === 1 && imported.length === 1) await openCase(imported[0].imageId);
    },
    [api, refreshCases, openCase, refreshStatus],
  );

  // the case's image settings that change what the model is run on: the server traces again
  const changeImage = useCallback(
    async (call: () => Promise<CaseDetail>): Promise<void> => {
      if (!detail) return;
      try {
        setActivity('Tracing again…');
        setDetail(await call());
        await refreshCases();
      } catch (e) {
        showError(asAppError(e));
      } finally {
        setActivity(null);
      }
    },
    [detail, refreshCases, showError],
  );

  // review mode: the flagged points one after another, centred and zoomed
  const [review, setReview] = useState<{ index: number } | null>(null);
  const [focus, setFocus] = useState<{ point: ImagePoint; zoom: number } | null>(null);
  const toReview = (detail?.landmarks?.points ?? []).filter((p) => p.flagged && !p.accepted && p.source === 'model');
  // the right column's tabs: what is on screen at 1366 x 768 without scrolling
  const [tab, setTab] = useState<RightTab>(() => {
    const kept = localStorage.getItem('medsapiens.rightTab');
    return RIGHT_TABS.some((t) => t.id === kept) ? (kept as RightTab) : 'measures';
  });
  const chooseTab = useCallback((t: RightTab) => {
    localStorage.setItem('medsapiens.rightTab', t);
    setTab(t);
  }, []);

  // the landmark the arrow keys nudge: the one last centred from the list or dragged
  const [selected, setSelected] = useState<string | null>(null);
  const nudged = useRef<{ id: string; x: number; y: number } | null>(null);
  useEffect(() => {
    setSelected(null);
    nudged.current = null;
  }, [detail?.imageId]);
  const focusOn = useCallback(
    (landmarkId: string) => {
      const p = detail?.landmarks?.points.find((q) => q.landmarkId === landmarkId);
      if (p) setFocus({ point: { x: p.x, y: p.y }, zoom: 3 });
      setSelected(landmarkId);
      nudged.current = null;
    },
    [detail?.landmarks],
  );
  const moved = useCallback(
    (landmarkId: string, p: ImagePoint) => {
      setSelected(landmarkId);
      nudged.current = null;
      editing.move(landmarkId, p);
    },
    [editing],
  );
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
      if (!step || !selected || !detail || review || mode.kind !== 'edit' || e.ctrlKey || e.metaKey || e.altKey) return;
      if ((e.target as HTMLElement | null)?.closest?.('input, select, textarea')) return;
      const p = detail.landmarks?.points.find((q) => q.landmarkId === selected);
      if (!p) return;
      // presses faster than the server answers build on the last nudge, not on a stale answer
      const base = nudged.current?.id === selected ? nudged.current : { x: p.x, y: p.y };
      const k = e.shiftKey ? 10 : 1;
      const next = { x: Math.min(detail.width - 1, Math.max(0, base.x + step[0]! * k)), y: Math.min(detail.height - 1, Math.max(0, base.y + step[1]! * k)) };
      nudged.current = { id: selected, ...next };
      editing.move(selected, next);
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected, detail, review, mode.kind, editing]);
  // the case list shows each case's review state: follow the open case's as the server answers
  const reviewedAt = detail?.landmarks?.reviewedAt;
  useEffect(() => {
    void refreshCases();
  }, [reviewedAt, toReview.length]); // eslint-disable-line react-hooks/exhaustive-deps
  const reviewing = review !== null && toReview.length > 0 ? toReview[Math.min(review.index, toReview.length - 1)] : null;
  useEffect(() => {
    if (reviewing) setFocus({ point: { x: reviewing.x, y: reviewing.y }, zoom: 3 });
  }, [reviewing?.landmarkId]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (review && toReview.length === 0) {
      setReview(null);
      setFocus(null);
    }
  }, [review, toReview.length]);
  useEffect(() => {
    if (!review) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement | null)?.closest?.('input, select, textarea')) return;
      const n = toReview.length;
      if (e.key === 'ArrowRight' || e.key === 'n' || e.key === 'N') setReview({ index: (review.index + 1) % n });
      else if (e.key === 'ArrowLeft' || e.key === 'p' || e.key === 'P') setReview({ index: (review.index - 1 + n) % n });
      else if ((e.key === 'a' || e.key === 'A' || e.key === 'Enter') && reviewing) editing.accept(reviewing.landmarkId);
      else if (e.key === 'Escape') {
        setReview(null);
        setFocus({ point: { x: detail!.width / 2, y: detail!.height / 2 }, zoom: 1 });
      } else return;
      e.preventDefault();
      e.stopPropagation();
    };
    // first, before the viewer's keys, which never see the ones taken here: while reviewing, P is
    // "previous", not the pan mode
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [review, toReview, reviewing, editing, detail]);

  const saveRuler = useCallback(
    async (lengthMm: number) => {
      if (!detail || !draftRuler) return;
      try {
        setDetail(await api['images.setRuler']({ imageId: detail.imageId, p1: draftRuler.p1, p2: draftRuler.p2, lengthMm }));
      } catch (e) {
        showError(asAppError(e));
      }
      setDraftRuler(null);
      setMode(EDIT);
    },
    [api, detail, draftRuler, showError],
  );

  useShortcuts({
    undo: () => detail?.landmarks?.canUndo && editing.undo(),
    redo: () => detail?.landmarks?.canRedo && editing.redo(),
    escape: () => {
      setMode(EDIT);
      setDraftRuler(null);
    },
  });

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    // entries must be taken inside the event: the DataTransfer is emptied once it returns
    filesFromDrop(e.dataTransfer).then(importAll, (err: unknown) => showError(asAppError(err)));
  };

  const cal = detail ? calibrationOf(detail) : null;
  const wanted = ANALYSES[analysisId]?.needs ?? [];
  const refused = !!detail?.landmarks?.check && !detail.landmarks.check.isCephalogram && !detail.traceAnyway;
  const unreviewed = new Set(toReview.map((p) => p.landmarkId));
  // a superimposition is drawn on its first study's image only
  const overlaid = superimposition && detail?.imageId === superimposition.imageIds[0] ? superimposition : null;
  const pictures = useBlendImages(transport, overlaid && blend.on ? overlaid.imageIds.slice(1).map((imageId, i) => ({ imageId, colour: timePointColour(i + 1) })) : NO_FILMS, (e) => showError(asAppError(e)));
  const overlay = overlaid
    ? overlaid.onFirstImage.map((points, i) => {
        const picture = pictures.find((p) => p.imageId === overlaid.imageIds[i]);
        return {
          label: overlaid.timePoints[i].label,
          colour: timePointColour(i),
          points,
          ...(i > 0 && picture ? { picture: { href: picture.href, width: picture.width, height: picture.height, toFirst: overlaid.imageToFirst[i], opacity: blend.opacity } } : {}),
        };
      })
    : null;

  return (
    <div
      className={dragging ? 'app dragging' : 'app'}
      onDragOver={(e) => {
        if (Array.from(e.dataTransfer.types).includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <header className="app-header">
        <h1>MedSapiens</h1>
        {detail && (
          <span className="case-header" data-testid="open-case">
            {detail.patientName ?? detail.fileName}
            {detail.patientId ? ` · ${detail.patientId}` : ''}
            {detail.studyDate ? ` · ${detail.studyDate}` : ''} · {detail.format} {detail.width}×{detail.height}
          </span>
        )}
      </header>
      <aside className="left">
        <CaseList
          api={api}
          cases={cases}
          selectedId={detail?.imageId ?? null}
          onSearch={setSearch}
          onOpen={(id) => void openCase(id)}
          onImport={(files) => void importAll(files)}
          progress={progress}
          outcomes={outcomes}
          onDismissOutcomes={() => setOutcomes([])}
          showArchived={showArchived}
          onShowArchived={setShowArchived}
        />
        <WatchFolder api={api} onProcessed={refreshCases} />
        <DicomNetwork api={api} analysisId={analysisId} onProcessed={refreshCases} />
        <ClinicAdaptation api={api} casesVersion={cases} />
        <ModelAgreement api={api} analysisId={analysisId} casesVersion={cases} />
      </aside>
      <main className="center">
        {error && (
          <div className="error-banner" role="alert" data-code={error.code}>
            <code>{error.code}</code> {error.message}
            <button type="button" className="link" onClick={() => setError(null)} aria-label="Dismiss">
              ×
            </button>
          </div>
        )}
        {detail && (
          <CheckBanner
            detail={detail}
            busy={editing.busy || activity !== null}
            reviewing={review !== null}
            toReview={toReview.length}
            onTraceAnyway={(on) => void changeImage(() => api['images.setTraceAnyway']({ imageId: detail.imageId, on }))}
            onOrientation={(o) => void changeImage(() => api['images.setStoredOrientation']({ imageId: detail.imageId, orientation: o }))}
            onStartReview={() => {
              setMode(EDIT);
              setReview({ index: 0 });
            }}
            onSetReviewed={editing.setReviewed}
          />
        )}
        {reviewing && (
          <div className="review-bar" role="status" data-testid="review-bar" data-landmark-id={reviewing.landmarkId}>
            Reviewing {Math.min(review!.index, toReview.length - 1) + 1} of {toReview.length}: <strong>{reviewing.landmarkId.replace(/_/g, ' ')}</strong> — drag it where it belongs, or A to accept · ← → previous / next · Esc stop
          </div>
        )}
        <Viewer
          transport={transport}
          detail={detail}
          focus={focus}
          mode={mode}
          onModeChange={setMode}
          canUndo={!!detail?.landmarks?.canUndo}
          canRedo={!!detail?.landmarks?.canRedo}
          onUndo={editing.undo}
          onRedo={editing.redo}
          onMoved={moved}
          onPlaced={(id, p) => {
            // the server refuses to place a landmark twice: a second placement is a move
            if (detail?.landmarks?.points.some((q) => q.landmarkId === id)) editing.move(id, p);
            else editing.place(id, p);
            setMode(EDIT);
          }}
          onRulerDrawn={(p1, p2) => setDraftRuler({ p1, p2 })}
          onLiveMove={liveTracing.move}
          onLandmarksDrawn={perf.landmarksDrawn}
          overlay={overlay}
          analysisId={analysisId}
          showLines={showLines}
          onShowLines={(on) => {
            setShowLines(on);
            localStorage.setItem('medsapiens.showLines', on ? '1' : '0');
          }}
        />
      </main>
      <aside className="right">
        <div className="tabs" role="tablist" aria-label="Case panels">
          {RIGHT_TABS.map((t) => (
            <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'tab active' : 'tab'} onClick={() => chooseTab(t.id)} data-tab={t.id}>
              {t.label}
              {t.id === 'landmarks' && toReview.length > 0 ? ` (${toReview.length} to review)` : ''}
            </button>
          ))}
        </div>
        {tab === 'measures' && (
          <>
            {detail && <ReportExport api={api} imageId={detail.imageId} analysisId={analysisId} />}
            {detail?.format === 'dicom' && <SendToPacs api={api} imageId={detail.imageId} analysisId={analysisId} />}
            <Measurements
              analysisId={analysisId}
              onAnalysisChange={setAnalysisId}
              mmPerPixel={mmPerPixelOf(cal)}
              hasImage={!!detail}
              unreviewed={unreviewed}
              withheld={refused ? 'No measurements: the image does not look like a lateral cephalogram (see the top of the case; “Trace anyway” to measure it).' : null}
            />
            {detail && (
              <Calibration
                detail={detail}
                drawing={mode.kind === 'ruler'}
                draft={draftRuler}
                busy={editing.busy}
                onStartRuler={() => setMode({ kind: 'ruler' })}
                onCancelRuler={() => {
                  setDraftRuler(null);
                  setMode(EDIT);
                }}
                onSaveRuler={(mm) => void saveRuler(mm)}
              />
            )}
          </>
        )}
        {tab === 'landmarks' && (
          <>
            {detail && (
              <LandmarkPanel
                api={api}
                set={detail.landmarks}
                busy={editing.busy}
                placing={mode.kind === 'place' ? mode.landmarkId : null}
                wanted={wanted}
                onReset={editing.reset}
                onDelete={editing.remove}
                onStartPlacing={(id) => setMode(id ? { kind: 'place', landmarkId: id } : EDIT)}
                onDetect={editing.detect}
                onRestore={editing.restore}
                mmPerPixel={mmPerPixelOf(cal)}
                onAccept={editing.accept}
                onFocus={focusOn}
                selected={selected}
              />
            )}
          </>
        )}
        {tab === 'patient' && (
          <>
            {detail && (
              <PatientRecord
                api={api}
                detail={detail}
                onChanged={(d) => {
                  setDetail(d);
                  void refreshCases();
                }}
                onDeleted={() => {
                  setDetail(null);
                  sessionStorage.removeItem(OPEN_CASE_KEY);
                  void refreshCases();
                }}
              />
            )}
            {detail && <Timeline api={api} detail={detail} analysisId={analysisId} shown={superimposition} onShow={setSuperimposition} onOpen={(id) => void openCase(id)} blend={blend} onBlend={setBlend} />}
          </>
        )}
      </aside>
      <StatusBar status={status} statusError={statusError} tasks={tasks} activity={editing.busy ? 'Saving…' : activity} />
    </div>
  );
}
