// A clinic's adapted model: a folder beside the case database holding what was learnt from the
// clinic's corrected cases, naming the shipped model it adapts (never modifying it). The instant
// level is adaptation.json: per-landmark offsets (offset.ts) and the factor that makes the stated
// radii hold 90 % of the clinic's own held-out corrections.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../src-shared/errors.js';
import { findModelCard, loadModel, type LoadedModel, type LoadOptions } from '../inference/model.js';
import type { OffsetModel } from './offset.js';
import { writePrivateFile } from '../util/private-files.js';

export const ADAPTATION_FILE = 'adaptation.json';

const Figures = z.object({ n_images: z.number().int(), mre_mm: z.number().nullable(), mre_px: z.number() });

export const AdaptationSchema = z.object({
  schema_version: z.literal(1),
  kind: z.literal('offset'),
  parent: z.object({ name: z.string(), version: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  created_at: z.string(),
  /** the corrected cases it was learnt from (file names without extension, or case ids) */
  cases: z.array(z.string()).min(1),
  /** the head frame the offsets are in (offset.ts) */
  frame: z.enum(['similarity', 'rotation']),
  offsets: z.array(z.tuple([z.number(), z.number()])),
  /** multiplies the parent's stated radii: 90 % of the clinic's held-out corrections inside */
  radius_scale: z.number().positive(),
  /** leave-one-out on the clinic's cases: the parent's figures and the adapted ones */
  measured: z.object({ how: z.string(), parent: Figures, adapted: Figures, coverage90_parent: z.number(), coverage90_adapted: z.number() }),
});
export type Adaptation = z.infer<typeof AdaptationSchema>;

export function offsetModelOf(a: Adaptation): OffsetModel {
  return { offsets: a.offsets, cases: a.cases.length, frame: a.frame };
}

export function writeAdaptation(dir: string, a: Adaptation): string {
  const file = path.join(dir, ADAPTATION_FILE);
  writePrivateFile(file, JSON.stringify(AdaptationSchema.parse(a), null, 2) + '\n');
  return file;
}

export function readAdaptation(dir: string): Adaptation {
  const file = path.join(dir, ADAPTATION_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AppError('model_invalid', `${file} is not readable JSON: ${(e as Error).message}`);
  }
  const parsed = AdaptationSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('model_invalid', `${file} is invalid at ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/** `--model DIR`: a model folder with its own card, or a clinic adaptation of the shipped model
 *  (loadModel checks that it adapts this very model). */
export async function loadModelOrAdaptation(dir: string | undefined, opts: LoadOptions = {}): Promise<LoadedModel> {
  if (!dir) return loadModel(opts);
  if (fs.existsSync(path.join(dir, ADAPTATION_FILE))) return loadModel({ ...opts, adaptation: readAdaptation(dir) });
  return loadModel({ ...opts, cardPath: findModelCard(dir) });
}
