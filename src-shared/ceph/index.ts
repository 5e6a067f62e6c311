// Public API of the cephalometric analyses library.
export type {
  AnalysisDef,
  Flag,
  LandmarkId,
  MeasureDef,
  MeasureResult,
  MeasureStatus,
  Norm,
  Point,
  Tracing,
  Unit,
} from './types.js';
export { DegenerateGeometryError } from './geometry.js';
export { defineMeasure, type MeasureSpec } from './define-measure.js';
export { evaluateMeasure, flagFor, isUsableSpacing, type MeasureOptions } from './evaluate-measure.js';
export { MEASURES } from './measures/index.js';
export { ANALYSES } from './analyses.js';
export {
  evaluateAnalysis,
  type AnalysisEvaluation,
  type EvaluateOptions,
  type MeasureEvaluation,
} from './evaluate-analysis.js';
export {
  BUILTIN_NORMS,
  NormLibrarySchema,
  parseNormLibrary,
  type NormLibrary,
  type NormLibraryData,
  type NormSet,
} from './norms/norm-library.js';
export {
  ISBI_MEASURE_IDS,
  ISBI_RULES,
  classAgreement,
  classDistribution,
  isbiClasses,
  type ClassAgreement,
  type IsbiClass,
  type IsbiClasses,
  type IsbiLabel,
  type IsbiMeasureId,
} from './isbi-classification.js';
export { ISBI_MM_PER_PIXEL, tracingFromIsbiCoordinates } from './isbi-tracing.js';
export { averageTracings, missingLandmarks, usablePoint } from './tracing.js';
export { OCCLUSAL_PLANE_LANDMARKS } from './occlusal-plane.js';
