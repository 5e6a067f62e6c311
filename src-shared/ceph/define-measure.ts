// One place that turns a measure's declaration into a MeasureDef. The landmark list is a const
// type parameter, so a compute function can only read the landmarks it declared: an analysis can
// then say truthfully which landmarks it needs and which are missing.
import type { LandmarkId, MeasureDef, Point, Unit } from './types.js';

export interface MeasureSpec<N extends readonly LandmarkId[]> {
  readonly id: string;
  readonly name: string;
  readonly unit: Unit;
  readonly needs: N;
  readonly description: string;
  /** Linear ('mm') measures return pixels; see MeasureDef.compute. */
  readonly compute: (p: Readonly<Record<N[number], Point>>) => number;
}

export function defineMeasure<const N extends readonly LandmarkId[]>(spec: MeasureSpec<N>): MeasureDef {
  return Object.freeze({
    id: spec.id,
    name: spec.name,
    unit: spec.unit,
    needs: Object.freeze([...spec.needs]),
    needsCalibration: spec.unit === 'mm',
    description: spec.description,
    compute: spec.compute as MeasureDef['compute'],
  });
}
