// The image viewer: a Cornerstone3D stack viewport (through ViewerController) with its toolbar.
// Props in, edits out through callbacks; the server stays the source of truth for landmarks.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CaseDetail } from '../../src-shared/api/contract.js';
import type { Transport } from '../api/transport.js';
import { calibrationOf } from '../cases/calibration.js';
import type { ImagePoint } from './coords.js';
import { initCornerstone } from './cornerstone.js';
import type { ImageRef } from './imageIds.js';
import { ViewerController, type ViewerCallbacks, type ViewerMode, type WindowPreset } from './ViewerController.js';
import { ShortcutHelp } from './ShortcutHelp.js';
import { OverlayTracings, type OverlayTracing } from './OverlayTracings.js';
import { AnalysisLines } from './AnalysisLines.js';
import { Enums as CoreEnums } from '@cornerstonejs/core';
import { asAppError } from '../api/envelope.js';
import { fileToBase64 } from '../util/files.js';

/** a case whose image file is gone or changed: the user can give the original again */
const RELINKABLE = ['image_missing', 'image_changed'];

interface Props extends ViewerCallbacks {
  transport: Transport;
  detail: CaseDetail | null;
  /** centre and zoom on this image point (review mode), a new object each time */
  focus?: { point: ImagePoint; zoom: number } | null;
  mode: ViewerMode;
  onModeChange(mode: ViewerMode): void;
  canUndo: boolean;
  canRedo: boolean;
  onUndo(): void;
  onRedo(): void;
  /** tracings to draw over the image (a superimposition), in its pixels */
  overlay?: readonly OverlayTracing[] | null;
  /** the analysis whose lines are drawn over the image, when shown */
  analysisId?: string;
  showLines?: boolean;
  onShowLines?(on: boolean): void;
}

declare global {
  interface Window {
    /** read-only view of the viewer for end-to-end tests: overlay position <-> image pixels */
    __medsapiensViewer?: {
      clientToImage(x: number, y: number): ImagePoint | null;
      imageToClient(p: ImagePoint): { x: number; y: number } | null;
      zoom(): number | null;
      voiRange(): { lower: number; upper: number } | null;
      inverted(): boolean | null;
    };
  }
}

const MODES: { kind: 'edit' | 'adjust' | 'pan' | 'zoom'; label: string; title: string }[] = [
  { kind: 'edit', label: 'Edit', title: 'Drag landmarks to correct them (E); in the other modes they cannot be moved' },
  { kind: 'adjust', label: 'W/L', title: 'Drag to change window/level (W; right drag zooms, middle drag pans, wheel zooms)' },
  { kind: 'pan', label: 'Pan', title: 'Drag to pan (P)' },
  { kind: 'zoom', label: 'Zoom', title: 'Drag to zoom (Z)' },
];

export function Viewer({ transport, detail, focus, mode, onModeChange, canUndo, canRedo, onUndo, onRedo, overlay, analysisId, showLines, onShowLines, ...callbacks }: Props) {
  const element = useRef<HTMLDivElement>(null);
  const [ctrl, setCtrl] = useState<ViewerController | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  // bumped to show the image again after a relink
  const [attempt, setAttempt] = useState(0);
  const [zoom, setZoom] = useState<number | null>(null);
  const [help, setHelp] = useState(false);
  const latest = useRef<ViewerCallbacks>(callbacks);
  latest.current = callbacks;

  useEffect(() => {
    let cancelled = false;
    let made: ViewerController | null = null;
    initCornerstone((id) => transport.pixels(id))
      .then(() => {
        if (cancelled || !element.current) return;
        // callbacks go through a ref so the controller never holds a stale closure
        made = new ViewerController(element.current, {
          onMoved: (...a) => latest.current.onMoved(...a),
          onPlaced: (...a) => latest.current.onPlaced(...a),
          onRulerDrawn: (...a) => latest.current.onRulerDrawn(...a),
          onLiveMove: (...a) => latest.current.onLiveMove(...a),
          onLandmarksDrawn: (...a) => latest.current.onLandmarksDrawn(...a),
          onZoom: (z) => setZoom(z),
        });
        window.__medsapiensViewer = {
          clientToImage: (x, y) => made?.clientToImage(x, y) ?? null,
          imageToClient: (p) => made?.imageToClient(p) ?? null,
          zoom: () => made?.zoomLevel() ?? null,
          voiRange: () => made?.voiRange() ?? null,
          inverted: () => made?.inverted() ?? null,
        };
        setCtrl(made);
      })
      .catch((e: unknown) => setError({ code: 'internal', message: `The viewer cannot start: ${(e as Error).message}` }));
    return () => {
      cancelled = true;
      made?.destroy();
      setCtrl(null);
    };
  }, [transport]);

  useEffect(() => {
    const el = element.current;
    if (!ctrl || !el) return;
    const ro = new ResizeObserver(() => ctrl.resize());
    ro.observe(el);
    return () => ro.disconnect();
  }, [ctrl]);

  const cal = detail ? calibrationOf(detail) : null;
  const imageRef = useMemo<ImageRef | null>(
    () => (detail ? { imageId: detail.imageId, spacing: cal ? { rowMm: cal.rowMm, colMm: cal.colMm } : null } : null),
    [detail?.imageId, cal?.rowMm, cal?.colMm],
  );

  useEffect(() => {
    if (!ctrl) return;
    setError(null);
    ctrl.showImage(imageRef).catch((e: unknown) => {
      const err = asAppError(e);
      setError({ code: err.code, message: `Cannot show the image: ${err.message}` });
    });
  }, [ctrl, imageRef, attempt]);

  async function relink(file: File | undefined) {
    if (!file || !detail) return;
    try {
      await transport.api['images.relinkBytes']({ imageId: detail.imageId, dataBase64: await fileToBase64(file) });
      setError(null);
      setAttempt((n) => n + 1);
    } catch (e) {
      // the case is still in the state it was (missing or changed): the user may choose again
      const err = asAppError(e);
      setError((prev) => ({ code: prev?.code ?? err.code, message: err.message }));
    }
  }

  const points = detail?.landmarks?.points;
  const mmPerPixel = cal ? (cal.rowMm + cal.colMm) / 2 : undefined;
  useEffect(() => {
    if (ctrl) void ctrl.showLandmarks(points ?? [], mmPerPixel);
  }, [ctrl, imageRef, points, mmPerPixel]);

  useEffect(() => {
    if (ctrl && focus) void ctrl.focus(focus.point, focus.zoom);
  }, [ctrl, focus]);

  const ruler = detail?.ruler ?? null;
  useEffect(() => {
    if (ctrl) void ctrl.showRuler(ruler);
  }, [ctrl, imageRef, ruler]);

  useEffect(() => {
    ctrl?.setMode(mode);
  }, [ctrl, mode]);

  // keys of the common clinical viewers (OHIF, Weasis): W window, Z zoom, P pan, I invert, Space
  // reset; never while typing in a field (the review's keys never get here: it stops them first)
  const keyState = useRef({ ctrl, detail, showLines, onShowLines, onModeChange, help });
  keyState.current = { ctrl, detail, showLines, onShowLines, onModeChange, help };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)))) return;
      const k = keyState.current;
      if (e.key === '?') setHelp((h) => !h);
      else if (e.key === 'Escape' && k.help) setHelp(false);
      else if (!k.detail || !k.ctrl) return;
      else if (e.key === 'e' || e.key === 'E') k.onModeChange({ kind: 'edit' });
      else if (e.key === 'w' || e.key === 'W') k.onModeChange({ kind: 'adjust' });
      else if (e.key === 'p' || e.key === 'P') k.onModeChange({ kind: 'pan' });
      else if (e.key === ' ') {
        // a focused button would take the Space as a click when the key comes up
        if (el?.tagName === 'BUTTON') el.blur();
        k.ctrl.reset();
      }
      else if (e.key === 'z' || e.key === 'Z') k.onModeChange({ kind: 'zoom' });
      else if (e.key === '+' || e.key === '=') k.ctrl.zoomBy(1.25);
      else if (e.key === '-' || e.key === '_') k.ctrl.zoomBy(0.8);
      else if (e.key === '1') k.ctrl.setZoomLevel(1);
      else if (e.key === 'f' || e.key === 'F') k.ctrl.fit();
      else if (e.key === 'i' || e.key === 'I') k.ctrl.invert();
      else if (e.key === 'b' || e.key === 'B') k.ctrl.setWindowPreset('bone');
      else if (e.key === 's' || e.key === 'S') k.ctrl.setWindowPreset('soft');
      else if (e.key === 'o' || e.key === 'O') k.ctrl.setWindowPreset('file');
      else if ((e.key === 'l' || e.key === 'L') && k.onShowLines) k.onShowLines(!k.showLines);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const preset = (p: WindowPreset) => ctrl?.setWindowPreset(p);

  // the overlay follows every pan, zoom and resize: placed again after each render of the view
  const wrap = useRef<HTMLDivElement>(null);
  const [, setRendered] = useState(0);
  useEffect(() => {
    const el = element.current;
    if (!ctrl || !el || (!overlay?.length && !showLines)) return;
    const again = () => setRendered((n) => n + 1);
    el.addEventListener(CoreEnums.Events.IMAGE_RENDERED, again);
    return () => el.removeEventListener(CoreEnums.Events.IMAGE_RENDERED, again);
  }, [ctrl, overlay, showLines]);
  const toBox = (p: ImagePoint) => {
    const c = ctrl?.imageToClient(p);
    const r = wrap.current?.getBoundingClientRect();
    return c && r ? { x: c.x - r.left, y: c.y - r.top } : null;
  };

  return (
    <section className="viewer" aria-label="Image viewer">
      <div className="toolbar" role="toolbar">
        {MODES.map((m) => (
          <button key={m.kind} type="button" title={m.title} aria-pressed={mode.kind === m.kind} onClick={() => onModeChange({ kind: m.kind })}>
            {m.label}
          </button>
        ))}
        <span className="sep" />
        <button type="button" onClick={() => ctrl?.invert()} disabled={!detail}>
          Invert
        </button>
        <button type="button" onClick={() => ctrl?.fit()} disabled={!detail} title="Fit the image (F)">
          Fit
        </button>
        <button type="button" onClick={() => ctrl?.setZoomLevel(1)} disabled={!detail} title="One image pixel per screen pixel (1)" data-testid="zoom-1to1">
          1:1
        </button>
        <span className="zoom-level" data-testid="zoom-level" title="Screen pixels per image pixel (wheel or pinch to zoom)">
          {detail && zoom ? `${Math.round(zoom * 100)} %` : ''}
        </span>
        {onShowLines && (
          <button type="button" aria-pressed={!!showLines} onClick={() => onShowLines(!showLines)} disabled={!detail} title="Draw the chosen analysis's lines and planes over the image" data-testid="toggle-lines">
            Lines
          </button>
        )}
        <button type="button" onClick={() => ctrl?.resetWindow()} disabled={!detail} title="The file's own window (O)">
          Reset W/L
        </button>
        <button type="button" onClick={() => preset('bone')} disabled={!detail} title="Bone and teeth (B)" data-testid="preset-bone">
          Bone
        </button>
        <button type="button" onClick={() => preset('soft')} disabled={!detail} title="The soft-tissue profile: lips, subnasale, soft-tissue pogonion (S)" data-testid="preset-soft">
          Soft tissue
        </button>
        <button type="button" className="help-key" onClick={() => setHelp((h) => !h)} title="Keyboard shortcuts (?)" aria-pressed={help} data-testid="help-toggle">
          ?
        </button>
        <span className="sep" />
        <button type="button" onClick={onUndo} disabled={!canUndo} title="Undo the last landmark edit (Ctrl+Z)" data-testid="undo">
          Undo
        </button>
        <button type="button" onClick={onRedo} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" data-testid="redo">
          Redo
        </button>
        {mode.kind === 'place' && <span className="mode-hint">Click on the image to place the landmark · Esc cancels</span>}
        {mode.kind === 'ruler' && <span className="mode-hint">Click both ends of a known length · Esc cancels</span>}
      </div>
      <div className="viewport-wrap" ref={wrap}>
        <div ref={element} className="viewport" data-testid="viewport" />
        {detail && showLines && analysisId && <AnalysisLines analysisId={analysisId} toBox={toBox} />}
        {detail && overlay && overlay.length > 0 && <OverlayTracings tracings={overlay} toBox={toBox} />}
        {!detail && <div className="viewport-empty">Open a case or import a cephalogram</div>}
        {help && <ShortcutHelp onClose={() => setHelp(false)} />}
        {error && (
          <div className="viewport-error" role="alert" data-code={error.code}>
            {error.message}
            {detail && RELINKABLE.includes(error.code) && (
              <label className="button relink">
                Choose the original file…
                <input type="file" hidden data-testid="relink-file" onChange={(e) => void relink(e.target.files?.[0])} />
              </label>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
