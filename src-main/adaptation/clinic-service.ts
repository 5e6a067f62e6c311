// The clinic's own corrections as training data, from the case database: every case the model
// traced (plain shipped model, no correction applied) that a clinician corrected or marked
// reviewed. Clinic models are folders beside the database (clinic-models/<id>/adaptation.json);
// the one in use is a setting, and is used only if it beat its parent on the clinic's held-out cases.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.js';
import { fileSha256 } from '../util/sha256.js';
import type { CaseStore } from '../db/store.js';
import type { Pt } from '../../src-shared/metrics.js';
import type { ImageLibrary } from '../services/image-library.js';
import { z } from 'zod';
import type { ModelCard } from '../../src-shared/model-card.js';
import { findModelCard, readModelCard, type LoadedModel } from '../inference/model.js';
import { adaptFromCases, type TracedCase } from './adapt.js';
import { ADAPTATION_FILE, readAdaptation, writeAdaptation, type Adaptation } from './clinic-model.js';

/** Fewer corrected cases than this and the app does not offer to adapt. */
export const MIN_CASES = 5;

/** A clinic model: the instant level (adaptation.json), or the deep level (a LoRA model folder
 *  with its own ONNX and card, training/adapt_lora.py). */
export type ClinicModelInfo =
  | {
      id: string;
      kind: 'offset';
      adaptation: Adaptation;
      /** it beat its parent on the clinic's held-out cases (leave-one-out) */
      beatsParent: boolean;
    }
  | {
      id: string;
      kind: 'lora';
      cardPath: string;
      card: ModelCard;
      /** the cases held out of its training: parent and clinic model measured on them */
      figures: LoraFigures;
      beatsParent: boolean;
    };

const LoraFiguresSchema = z.object({
  eval_cases: z.array(z.string()).min(1),
  unit: z.enum(['mm', 'px']),
  parent: z.object({ mre: z.number() }),
  adapted: z.object({ mre: z.number() }),
});
export type LoraFigures = z.infer<typeof LoraFiguresSchema>;

/** The shipped model a loaded model is or adapts: a LoRA clinic model names its parent. */
export function parentOf(m: LoadedModel): { name: string; version: string; sha256: string } {
  return m.card.adaptation?.parent ?? { name: m.card.name, version: m.card.version, sha256: m.card.sha256 };
}

export interface ClinicStatus {
  parent: { name: string; version: string };
  correctedCases: number;
  minCases: number;
  models: ClinicModelInfo[];
  active: string | null;
}

type OffsetModelInfo = Extract<ClinicModelInfo, { kind: 'offset' }>;

function info(id: string, a: Adaptation): OffsetModelInfo {
  return { id, kind: 'offset', adaptation: a, beatsParent: a.measured.adapted.mre_px < a.measured.parent.mre_px };
}

/** A LoRA clinic model folder of this parent, with the held-out figures it needs to be judged. */
function loraInfo(id: string, dir: string, parentSha: string): ClinicModelInfo | undefined {
  const cardPath = findModelCard(dir);
  const card = readModelCard(cardPath);
  if (card.adaptation?.method !== 'lora' || card.adaptation.parent.sha256 !== parentSha) return undefined;
  const figures = LoraFiguresSchema.safeParse(card.adaptation.figures);
  if (!figures.success) return undefined; // nothing held out: it cannot be judged, so it is not offered
  return { id, kind: 'lora', cardPath, card, figures: figures.data, beatsParent: figures.data.adapted.mre < figures.data.parent.mre };
}

export function clinicModelsDir(store: CaseStore): string {
  return path.join(path.dirname(store.path), 'clinic-models');
}

/** The corrected cases the plain `parent` traced, in the model's landmark order. */
export function correctedCases(store: CaseStore, parent: LoadedModel): TracedCase[] {
  const ids = parent.card.landmarks;
  const { name, version } = parentOf(parent);
  const out: TracedCase[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = store.listCases({ limit: 1000, offset });
    for (const summary of page) {
      // the list says enough to pass over most cases without reading their points
      if (summary.currentSetId === null || !summary.imageCheck || (summary.reviewedAt === null && summary.handPoints === 0)) continue;
      const c = store.getCase(summary.imageId);
      const s = c.landmarks!;
      if (s.set.modelName !== name || s.set.modelVersion !== version || !s.set.check) continue;
      if (!s.set.check.isCephalogram && !c.image.traceAnyway) continue;
      const corrected = s.set.reviewedAt !== null || s.points.some((p) => p.source === 'hand');
      if (!corrected) continue;
      const truth = ids.map((id) => s.points.find((p) => p.landmarkId === id));
      const model = ids.map((id) => s.modelPoints.find((p) => p.landmarkId === id));
      if (truth.some((p) => !p) || model.some((p) => !p || p.uncertaintyPx === null)) continue;
      out.push({
        id: String(c.image.id),
        model: model.map((p) => ({ x: p!.x, y: p!.y, uncertaintyPx: p!.uncertaintyPx! })),
        mirrored: s.set.check.orientation.mirrored,
        width: c.image.width,
        truth: truth.map((p) => ({ x: p!.x, y: p!.y })),
      });
    }
    if (page.length < 1000) break;
  }
  return out;
}

/** The corrected cases with the image files they were traced on (the database's kept copy, else the
 *  file imported from), for fine-tuning; those whose image is gone are named in `missing`. */
export function correctedCaseFiles(store: CaseStore, library: ImageLibrary, parent: LoadedModel): { cases: { id: string; file: string; truth: Pt[] }[]; missing: string[] } {
  const cases: { id: string; file: string; truth: Pt[] }[] = [];
  const missing: string[] = [];
  for (const c of correctedCases(store, parent)) {
    const { sha256, sourcePath } = store.getCase(Number(c.id)).image;
    const file = library.pathFor(sha256, sourcePath);
    // fine-tuned on another image than the one corrected, the model would learn wrong points
    if (!fs.existsSync(file)) missing.push(`${c.id} (${sourcePath})`);
    else if (fileSha256(file) !== sha256) missing.push(`${c.id} (${file} changed since import)`);
    else cases.push({ id: c.id, file, truth: c.truth });
  }
  return { cases, missing };
}

export function listClinicModels(store: CaseStore, parent: LoadedModel): ClinicModelInfo[] {
  const dir = clinicModelsDir(store);
  if (!fs.existsSync(dir)) return [];
  const out: ClinicModelInfo[] = [];
  const sha = parentOf(parent).sha256;
  for (const id of fs.readdirSync(dir).sort()) {
    const folder = path.join(dir, id);
    try {
      if (fs.existsSync(path.join(folder, ADAPTATION_FILE))) {
        const a = readAdaptation(folder);
        if (a.parent.sha256 === sha) out.push(info(id, a)); // one adapting another model is not offered
      } else if (fs.statSync(folder).isDirectory() && fs.readdirSync(folder).some((f) => f.endsWith('.card.json'))) {
        const l = loraInfo(id, folder, sha);
        if (l) out.push(l);
      }
    } catch {
      // a broken folder is not offered; the others still are
    }
  }
  return out;
}

export function clinicStatus(store: CaseStore, parent: LoadedModel): ClinicStatus {
  const models = listClinicModels(store, parent);
  const active = store.getSetting('clinic.model');
  const { name, version } = parentOf(parent);
  return {
    parent: { name, version },
    correctedCases: correctedCases(store, parent).length,
    minCases: MIN_CASES,
    models,
    active: active && models.some((m) => m.id === active) ? active : null,
  };
}

/** Learns a clinic model from the database's corrected cases (not put in use by itself). */
export function adaptFromDatabase(store: CaseStore, parent: LoadedModel, mmPerPixel?: number, now = new Date()): OffsetModelInfo {
  if (parent.card.adaptation) throw new AppError('bad_request', 'a LoRA clinic model is in use: go back to the shipped model to adapt it again');
  const cases = correctedCases(store, parent);
  if (cases.length < MIN_CASES) throw new AppError('bad_request', `${cases.length} corrected case(s): at least ${MIN_CASES} are needed to adapt`);
  const a = adaptFromCases(parent, cases, { mmPerPixel, now });
  const id = now.toISOString().replace(/[:.]/g, '-');
  writeAdaptation(path.join(clinicModelsDir(store), id), a);
  return info(id, a);
}

/** Puts a clinic model in use (null: back to the shipped model). One that did not beat its parent
 *  on the clinic's own held-out cases is refused. Returns the model chosen (undefined: the shipped). */
export function useClinicModel(store: CaseStore, parent: LoadedModel, id: string | null): ClinicModelInfo | undefined {
  if (id === null) {
    store.setSetting('clinic.model', null);
    return undefined;
  }
  const m = listClinicModels(store, parent).find((x) => x.id === id);
  const p = parentOf(parent);
  if (!m) throw new AppError('not_found', `no clinic model ${id} for ${p.name} ${p.version}`);
  if (!m.beatsParent) throw new AppError('bad_request', `clinic model ${id} did not beat the shipped model on the clinic's held-out cases: not used`);
  store.setSetting('clinic.model', id);
  return m;
}
