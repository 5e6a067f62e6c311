// The clinic's own corrections as training data, from the case database: every case the model
// traced (plain shipped model, no correction applied) that a clinician corrected or marked
// reviewed. Clinic models are folders beside the database (clinic-models/<id>/adaptation.json);
// the one in use is a setting, and is used only if it beat its parent on the clinic's held-out cases.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.js';
import type { CaseStore } from '../db/store.js';
import type { LoadedModel } from '../inference/model.js';
import { adaptFromCases, type TracedCase } from './adapt.js';
import { ADAPTATION_FILE, readAdaptation, writeAdaptation, type Adaptation } from './clinic-model.js';

/** Fewer corrected cases than this and the app does not offer to adapt. */
export const MIN_CASES = 5;

export interface ClinicModelInfo {
  id: string;
  adaptation: Adaptation;
  /** it beat its parent on the clinic's held-out cases (leave-one-out) */
  beatsParent: boolean;
}

export interface ClinicStatus {
  parent: { name: string; version: string };
  correctedCases: number;
  minCases: number;
  models: ClinicModelInfo[];
  active: string | null;
}

function info(id: string, a: Adaptation): ClinicModelInfo {
  return { id, adaptation: a, beatsParent: a.measured.adapted.mre_px < a.measured.parent.mre_px };
}

export function clinicModelsDir(store: CaseStore): string {
  return path.join(path.dirname(store.path), 'clinic-models');
}

/** The corrected cases the plain `parent` traced, in the model's landmark order. */
export function correctedCases(store: CaseStore, parent: LoadedModel): TracedCase[] {
  const ids = parent.card.landmarks;
  const out: TracedCase[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = store.listCases({ limit: 1000, offset });
    for (const summary of page) {
      // the list says enough to pass over most cases without reading their points
      if (summary.currentSetId === null || !summary.imageCheck || (summary.reviewedAt === null && summary.handPoints === 0)) continue;
      const c = store.getCase(summary.imageId);
      const s = c.landmarks!;
      if (s.set.modelName !== parent.card.name || s.set.modelVersion !== parent.card.version || !s.set.check) continue;
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

export function listClinicModels(store: CaseStore, parent: LoadedModel): ClinicModelInfo[] {
  const dir = clinicModelsDir(store);
  if (!fs.existsSync(dir)) return [];
  const out: ClinicModelInfo[] = [];
  for (const id of fs.readdirSync(dir).sort()) {
    if (!fs.existsSync(path.join(dir, id, ADAPTATION_FILE))) continue;
    try {
      const a = readAdaptation(path.join(dir, id));
      if (a.parent.sha256 !== parent.card.sha256) continue; // adapts another model: not offered
      out.push(info(id, a));
    } catch {
      // a broken folder is not offered; the others still are
    }
  }
  return out;
}

export function clinicStatus(store: CaseStore, parent: LoadedModel): ClinicStatus {
  const models = listClinicModels(store, parent);
  const active = store.getSetting('clinic.model');
  return {
    parent: { name: parent.card.name, version: parent.card.version },
    correctedCases: correctedCases(store, parent).length,
    minCases: MIN_CASES,
    models,
    active: active && models.some((m) => m.id === active) ? active : null,
  };
}

/** Learns a clinic model from the database's corrected cases (not put in use by itself). */
export function adaptFromDatabase(store: CaseStore, parent: LoadedModel, mmPerPixel?: number, now = new Date()): ClinicModelInfo {
  const cases = correctedCases(store, parent);
  if (cases.length < MIN_CASES) throw new AppError('bad_request', `${cases.length} corrected case(s): at least ${MIN_CASES} are needed to adapt`);
  const a = adaptFromCases(parent, cases, { mmPerPixel, now });
  const id = now.toISOString().replace(/[:.]/g, '-');
  writeAdaptation(path.join(clinicModelsDir(store), id), a);
  return info(id, a);
}

/** Puts a clinic model in use (null: back to the shipped model). One that did not beat its parent
 *  on the clinic's own held-out cases is refused. Returns the adaptation to apply. */
export function useClinicModel(store: CaseStore, parent: LoadedModel, id: string | null): Adaptation | undefined {
  if (id === null) {
    store.setSetting('clinic.model', null);
    return undefined;
  }
  const m = listClinicModels(store, parent).find((x) => x.id === id);
  if (!m) throw new AppError('not_found', `no clinic model ${id} for ${parent.card.name} ${parent.card.version}`);
  if (!m.beatsParent) throw new AppError('bad_request', `clinic model ${id} did not beat the shipped model on the clinic's held-out cases: not used`);
  store.setSetting('clinic.model', id);
  return m.adaptation;
}
