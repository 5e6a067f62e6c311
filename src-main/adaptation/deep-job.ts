// The deep level run from the app: LoRA fine-tuning (lora-runner.ts) on the case database's
// corrected cases, in the background, one run at a time, with progress, ETA and cancel. A quarter of
// the cases are held out of the training and measured, parent against clinic model: that is what
// decides whether the clinic may use it (clinic-service.ts). Nothing is put in use by itself.
import path from 'node:path';
import { AppError } from '../../src-shared/errors.js';
import type { CaseStore } from '../db/store.js';
import type { LoadedModel } from '../inference/model.js';
import type { ImageLibrary } from '../services/image-library.js';
import { clinicModelsDir, correctedCaseFiles, MIN_CASES } from './clinic-service.js';
import { loraAvailable, prepareCases, runLora, type LoraProgress } from './lora-runner.js';

export interface DeepJobStatus {
  state: LoraProgress['state'];
  fraction: number;
  etaSeconds: number | null;
  message: string | null;
  id: string;
}

export interface DeepAdaptation {
  status(): DeepJobStatus | null;
  /** why this machine cannot fine-tune, or null */
  unavailable(): string | null;
  start(opts?: { epochs?: number; samplesPerEpoch?: number }): Promise<DeepJobStatus>;
  cancel(): void;
  /** cancels a run in progress and waits for it to stop */
  close(): Promise<void>;
}

/** Every fourth case (at least one) is held out: measured, never trained on. */
export function holdOut<T>(cases: readonly T[]): { train: T[]; held: T[] } {
  const held = cases.filter((_, i) => i % 4 === 3);
  if (held.length === 0 && cases.length > 1) held.push(cases[cases.length - 1]);
  return { train: cases.filter((c) => !held.includes(c)), held };
}

export function createDeepAdaptation(d: { store: CaseStore; library: ImageLibrary; model: () => Promise<LoadedModel>; log: (m: string) => void }): DeepAdaptation {
  let current: { status: DeepJobStatus; abort: AbortController; done: Promise<void> } | null = null;
  let availability: string | null | undefined;
  const unavailable = () => {
    if (availability === undefined) {
      const a = loraAvailable();
      availability = a.ok ? null : a.message;
    }
    return availability;
  };
  return {
    status: () => (current ? { ...current.status } : null),
    unavailable,
    async start(opts = {}) {
      if (current && !['done', 'cancelled', 'failed'].includes(current.status.state)) throw new AppError('bad_request', 'a deep adaptation is already running');
      const why = unavailable();
      if (why) throw new AppError('unsupported', why);
      const parent = await d.model();
      if (parent.card.adaptation) throw new AppError('bad_request', 'a LoRA clinic model is in use: go back to the shipped model to adapt it again');
      const { cases } = correctedCaseFiles(d.store, d.library, parent);
      if (cases.length < MIN_CASES) throw new AppError('bad_request', `${cases.length} corrected case(s) with their images: at least ${MIN_CASES} are needed to adapt`);
      const { train, held } = holdOut(cases);
      const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-lora`;
      const out = path.join(clinicModelsDir(d.store), id);
      const abort = new AbortController();
      const status: DeepJobStatus = { state: 'preparing', fraction: 0, etaSeconds: null, message: `${train.length} cases to learn from, ${held.length} held out`, id };
      const run = async () => {
        try {
          const csv = await prepareCases(parent, cases, path.join(out, 'cases'), (i) => {
            status.fraction = (0.05 * i) / cases.length;
          });
          if (abort.signal.aborted) {
            status.state = 'cancelled';
            return;
          }
          const end = await runLora({
            model: parent,
            casesDir: path.join(out, 'cases'),
            tracingsCsv: csv,
            ids: train.map((c) => c.id),
            evalIds: held.map((c) => c.id),
            out,
            epochs: opts.epochs,
            samplesPerEpoch: opts.samplesPerEpoch,
            signal: abort.signal,
            onProgress: (p) => {
              // the end is said once the run has returned and its model is in place, not before
              if (p.state !== 'preparing' && p.state !== 'training' && p.state !== 'exporting') return;
              status.state = p.state;
              status.fraction = 0.05 + 0.95 * (p.fraction ?? 0);
              status.etaSeconds = p.eta_s ?? null;
            },
          });
          status.state = end.state;
          if (end.state === 'done') status.fraction = 1;
          status.message = end.state === 'done' ? `clinic model ${id} made on ${train.length} cases, measured on ${held.length}` : (end.message ?? null);
        } catch (e) {
          status.state = 'failed';
          status.message = (e as Error).message;
          d.log(`deep adaptation failed: ${status.message}`);
        }
      };
      current = { status, abort, done: run() };
      return { ...status };
    },
    cancel() {
      current?.abort.abort();
    },
    async close() {
      current?.abort.abort();
      await current?.done;
    },
  };
}
