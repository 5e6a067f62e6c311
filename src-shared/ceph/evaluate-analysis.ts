// Evaluating an analysis on a tracing never throws because of the tracing: each measure reports
// ok / missing / uncalibrated / cannot_compute on its own, and the analysis lists every landmark
// still to place. Only caller mistakes (unknown analysis or norm set) throw, as AppError.
import { AppError } from '../errors.js';
import { ANALYSES } from './analyses.js';
import { evaluateMeasure } from './evaluate-measure.js';
import { BUILTIN_NORMS, type NormLibrary } from './norms/norm-library.js';
import { missingLandmarks } from './tracing.js';
import type { LandmarkId, MeasureResult, Tracing, Unit } from './types.js';

export interface EvaluateOptions {
  /** Image spacing; without it linear measures read 'uncalibrated'. */
  readonly mmPerPixel?: number;
  /** Norm set id; default: the analysis's own default, else the library's. */
  readonly normSet?: string;
  /** Norm library to pick the set from; default: the built-in one. */
  readonly norms?: NormLibrary;
}

export interface MeasureEvaluation {
  readonly id: string;
  readonly name: string;
  readonly unit: Unit;
  /** the landmarks it is computed from */
  readonly needs: readonly LandmarkId[];
  readonly result: MeasureResult;
}

export interface AnalysisEvaluation {
  readonly analysisId: string;
  readonly name: string;
  readonly normSet: string;
  readonly measures: readonly MeasureEvaluation[];
  /** Landmarks the analysis needs that the tracing lacks, in the analysis's order. */
  readonly missing: readonly LandmarkId[];
}

export function evaluateAnalysis(id: string, tracing: Tracing, options: EvaluateOptions = {}): AnalysisEvaluation {
  if (!Object.hasOwn(ANALYSES, id)) {
    throw new AppError('bad_request', `unknown analysis '${id}'`, { known: Object.keys(ANALYSES) });
  }
  const analysis = ANALYSES[id];
  const library = options.norms ?? BUILTIN_NORMS;
  const setId = options.normSet ?? analysis.defaultNormSet ?? library.defaultSet;
  const normSet = library.get(setId);
  if (!normSet) throw new AppError('bad_request', `unknown norm set '${setId}'`, { known: library.setIds });

  const measures = analysis.measures.map((m) => ({
    id: m.id,
    name: m.name,
    unit: m.unit,
    needs: m.needs,
    result: evaluateMeasure(m, tracing, { mmPerPixel: options.mmPerPixel, norm: normSet.normFor(analysis.id, m.id) }),
  }));
  return {
    analysisId: analysis.id,
    name: analysis.name,
    normSet: normSet.id,
    measures,
    missing: missingLandmarks(tracing, analysis.needs),
  };
}
