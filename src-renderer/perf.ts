// Timing hooks for the figures we report, readable from the page (window.__medsapiensPerf) by
// the e2e test: import start -> landmarks drawn, and the measurement panel's update time per
// drag step (target < 16 ms, one frame).

export interface ImportTiming {
  fileName: string;
  imageId: number | null;
  /** import start -> the landmarks of that image were drawn on the viewer */
  landmarksDrawnMs: number | null;
}

export interface PerfLog {
  imports: ImportTiming[];
  /** one entry per live measurement update while dragging: landmark moved -> panel committed */
  measurementUpdateMs: number[];
  /** the same for the analysis lines drawn over the image: landmark moved -> lines committed */
  linesUpdateMs: number[];
  clear(): void;
}

const pendingDraw = new Map<number, { started: number; entry: ImportTiming }>();
let measureStart: number | null = null;
let linesStart: number | null = null;

const log: PerfLog = {
  imports: [],
  measurementUpdateMs: [],
  linesUpdateMs: [],
  clear() {
    log.imports.length = 0;
    log.measurementUpdateMs.length = 0;
    log.linesUpdateMs.length = 0;
  },
};

export const perf = {
  log,
  /** returns a function to call once the import answered with an image id */
  importStarted(fileName: string): (imageId: number | null) => void {
    const started = performance.now();
    const entry: ImportTiming = { fileName, imageId: null, landmarksDrawnMs: null };
    log.imports.push(entry);
    return (imageId) => {
      entry.imageId = imageId;
      if (imageId !== null) pendingDraw.set(imageId, { started, entry });
    };
  },
  landmarksDrawn(imageId: number): void {
    const p = pendingDraw.get(imageId);
    if (!p) return;
    pendingDraw.delete(imageId);
    p.entry.landmarksDrawnMs = performance.now() - p.started;
  },
  measurementUpdateStarted(): void {
    measureStart ??= performance.now();
    linesStart ??= performance.now();
  },
  linesUpdateCommitted(): void {
    if (linesStart === null) return;
    log.linesUpdateMs.push(performance.now() - linesStart);
    linesStart = null;
  },
  measurementUpdateCommitted(): void {
    if (measureStart === null) return;
    log.measurementUpdateMs.push(performance.now() - measureStart);
    measureStart = null;
  },
};

declare global {
  interface Window {
    __medsapiensPerf?: PerfLog;
  }
}

window.__medsapiensPerf = log;
