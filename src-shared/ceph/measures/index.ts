// Every measure by id. Analyses pick from here; norms are keyed by these ids.
import type { MeasureDef } from '../types.js';
import * as bjorkJarabak from './bjork-jarabak.js';
import * as dental from './dental.js';
import * as jawSize from './jaw-size.js';
import * as kim from './kim-indicators.js';
import * as sagittal from './sagittal.js';
import * as softTissue from './soft-tissue.js';
import * as vertical from './vertical.js';

function isMeasure(value: unknown): value is MeasureDef {
  return typeof value === 'object' && value !== null && 'compute' in value && 'needs' in value;
}

function collect(modules: readonly object[]): Readonly<Record<string, MeasureDef>> {
  const out: Record<string, MeasureDef> = {};
  for (const mod of modules) {
    for (const value of Object.values(mod)) {
      if (!isMeasure(value)) continue;
      if (out[value.id] && out[value.id] !== value) throw new Error(`duplicate measure id ${value.id}`);
      out[value.id] = value;
    }
  }
  return Object.freeze(out);
}

export const MEASURES = collect([sagittal, vertical, dental, jawSize, softTissue, bjorkJarabak, kim]);

export { bjorkJarabak, dental, jawSize, kim, sagittal, softTissue, vertical };
