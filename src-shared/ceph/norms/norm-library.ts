// Norm sets are data (norm-sets.json), checked with zod when loaded: a norm is a mean, an SD and
// the key of a cited source. A set may extend another and may override norms for one analysis
// (Downs and Steiner disagree on the interincisal angle; Tweed and Downs on FMA). Callers can
// load their own library (e.g. population-specific norms) through parseNormLibrary.
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { Norm } from '../types.js';
import builtinNormData from './norm-sets.json' with { type: 'json' };

const NormEntrySchema = z.object({
  mean: z.number(),
  sd: z.number().positive(),
  source: z.string().min(1),
});

const NormTableSchema = z.record(z.string().min(1), NormEntrySchema);

const NormSetSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  name: z.string().min(1),
  description: z.string(),
  extends: z.string().optional(),
  norms: NormTableSchema,
  byAnalysis: z.record(z.string().min(1), NormTableSchema).default({}),
});

export const NormLibrarySchema = z
  .object({
    defaultSet: z.string(),
    sources: z.record(z.string().min(1), z.string().min(1)),
    sets: z.array(NormSetSchema).min(1),
  })
  .superRefine((lib, ctx) => {
    const ids = new Set<string>();
    lib.sets.forEach((set, i) => {
      if (ids.has(set.id)) ctx.addIssue({ code: 'custom', path: ['sets', i, 'id'], message: `duplicate set ${set.id}` });
      ids.add(set.id);
      const tables: [string[], Record<string, { source: string }>][] = [
        [['norms'], set.norms],
        ...Object.entries(set.byAnalysis).map(([a, t]): [string[], Record<string, { source: string }>] => [['byAnalysis', a], t]),
      ];
      for (const [path, table] of tables) {
        for (const [measure, norm] of Object.entries(table)) {
          if (!(norm.source in lib.sources)) {
            ctx.addIssue({
              code: 'custom',
              path: ['sets', i, ...path, measure, 'source'],
              message: `unknown source ${norm.source}`,
            });
          }
        }
      }
    });
    if (!ids.has(lib.defaultSet)) ctx.addIssue({ code: 'custom', path: ['defaultSet'], message: `no set ${lib.defaultSet}` });
    lib.sets.forEach((set, i) => {
      // Walk the extends chain: every link must exist and the chain must end.
      const seen = new Set([set.id]);
      let parent = set.extends;
      while (parent !== undefined) {
        const next = lib.sets.find((s) => s.id === parent);
        if (!next) {
          ctx.addIssue({ code: 'custom', path: ['sets', i, 'extends'], message: `no set ${parent}` });
          return;
        }
        if (seen.has(next.id)) {
          ctx.addIssue({ code: 'custom', path: ['sets', i, 'extends'], message: `extends cycle through ${next.id}` });
          return;
        }
        seen.add(next.id);
        parent = next.extends;
      }
    });
  });

export type NormLibraryData = z.infer<typeof NormLibrarySchema>;

/** A norm set with its inheritance flattened and its source keys replaced by citations. */
export interface NormSet {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The analysis-specific norm when there is one, else the set's general norm. */
  readonly normFor: (analysisId: string, measureId: string) => Norm | undefined;
}

export interface NormLibrary {
  readonly defaultSet: string;
  readonly setIds: readonly string[];
  readonly get: (setId: string) => NormSet | undefined;
}

/** Validates norm data (e.g. a JSON file) and throws AppError('bad_request') listing the problems. */
export function parseNormLibrary(data: unknown): NormLibrary {
  const parsed = NormLibrarySchema.safeParse(data);
  if (!parsed.success) {
    throw new AppError('bad_request', `invalid norm library: ${z.prettifyError(parsed.error)}`);
  }
  return buildLibrary(parsed.data);
}

function buildLibrary(data: NormLibraryData): NormLibrary {
  type Table = Record<string, Norm>;
  const cite = (table: Record<string, { mean: number; sd: number; source: string }>): Table =>
    Object.fromEntries(
      Object.entries(table).map(([k, n]) => [k, Object.freeze({ mean: n.mean, sd: n.sd, source: data.sources[n.source] })]),
    );

  const resolved = new Map<string, { general: Table; byAnalysis: Record<string, Table> }>();
  const resolve = (id: string): { general: Table; byAnalysis: Record<string, Table> } => {
    const done = resolved.get(id);
    if (done) return done;
    const set = data.sets.find((s) => s.id === id)!; // existence and acyclicity checked by the schema
    const base = set.extends ? resolve(set.extends) : { general: {}, byAnalysis: {} };
    const byAnalysis: Record<string, Table> = { ...base.byAnalysis };
    for (const [analysis, table] of Object.entries(set.byAnalysis)) {
      byAnalysis[analysis] = { ...byAnalysis[analysis], ...cite(table) };
    }
    const out = { general: { ...base.general, ...cite(set.norms) }, byAnalysis };
    resolved.set(id, out);
    return out;
  };

  const sets = new Map<string, NormSet>();
  for (const set of data.sets) {
    const { general, byAnalysis } = resolve(set.id);
    sets.set(
      set.id,
      Object.freeze({
        id: set.id,
        name: set.name,
        description: set.description,
        normFor: (analysisId: string, measureId: string): Norm | undefined =>
          (Object.hasOwn(byAnalysis, analysisId) && Object.hasOwn(byAnalysis[analysisId], measureId)
            ? byAnalysis[analysisId][measureId]
            : undefined) ?? (Object.hasOwn(general, measureId) ? general[measureId] : undefined),
      }),
    );
  }
  return Object.freeze({
    defaultSet: data.defaultSet,
    setIds: Object.freeze(data.sets.map((s) => s.id)),
    get: (setId: string) => sets.get(setId),
  });
}

/** The norm sets shipped with the app. */
export const BUILTIN_NORMS: NormLibrary = parseNormLibrary(builtinNormData);
