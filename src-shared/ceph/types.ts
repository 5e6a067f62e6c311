// Shared shapes of the cephalometric library. Coordinates are image pixels exactly as the viewer
// and the model report them (y grows downward); nothing here assumes which way the face looks.
import type { LandmarkId } from '../landmarks.js';

export type { LandmarkId };

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Landmarks placed on one image; any may be absent. */
export type Tracing = Readonly<Partial<Record<LandmarkId, Point>>>;

/** 'mm' measures need calibration; the others are scale-free. */
export type Unit = 'deg' | 'mm' | 'ratio' | 'percent';

export interface Norm {
  readonly mean: number;
  readonly sd: number;
  /** Full citation of where mean and SD come from. */
  readonly source: string;
}

export type Flag = 'normal' | 'high' | 'low';

export type MeasureResult =
  | {
      readonly status: 'ok';
      readonly value: number;
      /** deviation and flag are present exactly when a norm is. */
      readonly norm?: Norm;
      /** (value - mean) / SD. */
      readonly deviation?: number;
      readonly flag?: Flag;
    }
  | { readonly status: 'missing'; readonly missing: readonly LandmarkId[] }
  | { readonly status: 'uncalibrated' }
  | { readonly status: 'cannot_compute'; readonly reason: string };

export type MeasureStatus = MeasureResult['status'];

export interface MeasureDef {
  readonly id: string;
  readonly name: string;
  readonly unit: Unit;
  readonly needs: readonly LandmarkId[];
  /** True for linear measures: without mm per pixel they read 'uncalibrated'. */
  readonly needsCalibration: boolean;
  readonly description: string;
  /**
   * Gets exactly the landmarks in `needs`. Returns the value in `unit`, except that linear
   * measures return pixels and the evaluator applies mm per pixel, so calibration lives in one
   * place. Throws DegenerateGeometryError when the geometry has no answer.
   */
  readonly compute: (points: Readonly<Record<LandmarkId, Point>>) => number;
}

export interface AnalysisDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly measures: readonly MeasureDef[];
  /** Union of the measures' landmarks, in the order they first appear. */
  readonly needs: readonly LandmarkId[];
  /** Norm set used when the caller names none (else the library's default). */
  readonly defaultNormSet?: string;
}
