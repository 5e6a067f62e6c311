// The clinical classification of the ISBI 2015 cephalometric challenge (Wang et al., Med Image
// Anal 2016;31:63-76): eight measures, each sorted into classes by fixed thresholds, taken from a
// copy of the challenge's evaluation script (see docs/cephalometrics.md). Normal ranges are
// inclusive at both ends.
//
// Departures from that script, on purpose:
//  * MW. The script labels 0 as edge-to-edge, below 0 as anterior crossbite, 2-4.5 as normal and
//    above 4.5 as large overjet, so a value between 0 and 2 mm fell through to "crossbite". We give
//    0 <= MW < 2 its own class, 'edge_to_edge' (a reduced overjet: the incisal tips nearly meet),
//    which also absorbs the exact-zero case the script meant by edge-to-edge. Crossbite stays < 0.
//  * MW is measured along FH rather than the image x axis (see measures/dental.ts), so it does
//    not depend on how the image is turned or which way the patient faces.
//  * FMA is, as in the script, the angle S-N to Go-Gn (the measure sn_gogn), not FH to the
//    mandibular plane; the label keeps the challenge's name.
import { AppError } from '../errors.js';
import { evaluateMeasure } from './evaluate-measure.js';
import { anteroposteriorDysplasiaIndicator, overbiteDepthIndicator } from './measures/kim-indicators.js';
import { modifiedWits } from './measures/dental.js';
import { anb, sna, snb } from './measures/sagittal.js';
import { facialHeightIndex, snGoGn } from './measures/vertical.js';
import type { MeasureDef, MeasureResult, Tracing } from './types.js';

export const ISBI_MEASURE_IDS = ['ANB', 'SNB', 'SNA', 'ODI', 'APDI', 'FHI', 'FMA', 'MW'] as const;
export type IsbiMeasureId = (typeof ISBI_MEASURE_IDS)[number];

export type IsbiLabel =
  | 'normal'
  | 'class_I'
  | 'class_II'
  | 'class_III'
  | 'prognathic'
  | 'retrognathic'
  | 'deep_bite_tendency'
  | 'open_bite_tendency'
  | 'short_face'
  | 'long_face'
  | 'high_angle'
  | 'low_angle'
  | 'edge_to_edge'
  | 'anterior_crossbite'
  | 'large_overjet';

interface IsbiRule {
  readonly measure: MeasureDef;
  /** Inclusive normal range, in the measure's unit. */
  readonly normal: readonly [number, number];
  readonly classify: (value: number) => IsbiLabel;
}

function bands(lo: number, hi: number, below: IsbiLabel, within: IsbiLabel, above: IsbiLabel) {
  return (v: number): IsbiLabel => (v < lo ? below : v > hi ? above : within);
}

export const ISBI_RULES: Readonly<Record<IsbiMeasureId, IsbiRule>> = Object.freeze({
  ANB: { measure: anb, normal: [3.2, 5.7], classify: bands(3.2, 5.7, 'class_III', 'class_I', 'class_II') },
  SNB: { measure: snb, normal: [74.6, 78.7], classify: bands(74.6, 78.7, 'retrognathic', 'normal', 'prognathic') },
  SNA: { measure: sna, normal: [79.4, 83.2], classify: bands(79.4, 83.2, 'retrognathic', 'normal', 'prognathic') },
  ODI: {
    measure: overbiteDepthIndicator,
    normal: [68.4, 80.5],
    classify: bands(68.4, 80.5, 'open_bite_tendency', 'normal', 'deep_bite_tendency'),
  },
  APDI: {
    measure: anteroposteriorDysplasiaIndicator,
    normal: [77.6, 85.2],
    classify: bands(77.6, 85.2, 'class_II', 'class_I', 'class_III'),
  },
  FHI: { measure: facialHeightIndex, normal: [0.65, 0.75], classify: bands(0.65, 0.75, 'long_face', 'normal', 'short_face') },
  FMA: { measure: snGoGn, normal: [26.8, 31.4], classify: bands(26.8, 31.4, 'low_angle', 'normal', 'high_angle') },
  MW: {
    measure: modifiedWits,
    normal: [2, 4.5],
    classify: (v: number): IsbiLabel =>
      v < 0 ? 'anterior_crossbite' : v < 2 ? 'edge_to_edge' : v <= 4.5 ? 'normal' : 'large_overjet',
  },
});

export interface IsbiClass {
  /** Id of the underlying measure (e.g. 'sn_gogn' for FMA). */
  readonly measureId: string;
  readonly result: MeasureResult;
  /** null when the value could not be computed (see `result`). */
  readonly label: IsbiLabel | null;
}

export type IsbiClasses = Readonly<Record<IsbiMeasureId, IsbiClass>>;

export function isbiClasses(tracing: Tracing, mmPerPixel: number | undefined): IsbiClasses {
  const out = {} as Record<IsbiMeasureId, IsbiClass>;
  for (const id of ISBI_MEASURE_IDS) {
    const rule = ISBI_RULES[id];
    const result = evaluateMeasure(rule.measure, tracing, { mmPerPixel });
    out[id] = {
      measureId: rule.measure.id,
      result,
      label: result.status === 'ok' ? rule.classify(result.value) : null,
    };
  }
  return out;
}

export interface ClassAgreement {
  /** Images where both lists have a class for this measure. */
  readonly compared: number;
  /** Of those, images where the classes are equal. */
  readonly equal: number;
  /** equal / compared; null when nothing could be compared. */
  readonly rate: number | null;
}

/**
 * Per measure, the share of images given the same class in two lists (e.g. senior vs junior
 * annotator, or model vs reference). The lists are paired by position.
 */
export function classAgreement(
  a: readonly IsbiClasses[],
  b: readonly IsbiClasses[],
): Readonly<Record<IsbiMeasureId, ClassAgreement>> {
  if (a.length !== b.length) {
    throw new AppError('bad_request', `class lists differ in length (${a.length} vs ${b.length})`);
  }
  const out = {} as Record<IsbiMeasureId, ClassAgreement>;
  for (const id of ISBI_MEASURE_IDS) {
    let compared = 0;
    let equal = 0;
    a.forEach((ca, i) => {
      const la = ca[id].label;
      const lb = b[i][id].label;
      if (la === null || lb === null) return;
      compared++;
      if (la === lb) equal++;
    });
    out[id] = { compared, equal, rate: compared > 0 ? equal / compared : null };
  }
  return out;
}

/** How many images fall in each class, per measure; uncomputable ones count as 'unavailable'. */
export function classDistribution(
  list: readonly IsbiClasses[],
): Readonly<Record<IsbiMeasureId, Readonly<Partial<Record<IsbiLabel | 'unavailable', number>>>>> {
  const out = {} as Record<IsbiMeasureId, Partial<Record<IsbiLabel | 'unavailable', number>>>;
  for (const id of ISBI_MEASURE_IDS) {
    const counts: Partial<Record<IsbiLabel | 'unavailable', number>> = {};
    for (const c of list) {
      const key = c[id].label ?? 'unavailable';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    out[id] = counts;
  }
  return out;
}

export const ISBI_LABEL_TEXT: Readonly<Record<IsbiLabel, string>> = {
  normal: 'Normal',
  class_I: 'Class I',
  class_II: 'Class II',
  class_III: 'Class III',
  prognathic: 'Prognathic',
  retrognathic: 'Retrognathic',
  deep_bite_tendency: 'Deep bite tendency',
  open_bite_tendency: 'Open bite tendency',
  short_face: 'Short face',
  long_face: 'Long face',
  high_angle: 'High angle',
  low_angle: 'Low angle',
  edge_to_edge: 'Edge to edge',
  anterior_crossbite: 'Anterior crossbite',
  large_overjet: 'Large overjet',
};

const UNIT_TEXT: Record<string, string> = { deg: '°', mm: ' mm', ratio: '', percent: '%' };

/** The ISBI class of one measure's value with the threshold that put it there, e.g.
 *  "Class II (ANB > 5.7°)"; null for a measure outside the classification. */
export function describeIsbiClass(measureId: string, value: number): { label: IsbiLabel; text: string } | null {
  const entry = ISBI_MEASURE_IDS.map((id) => [id, ISBI_RULES[id]] as const).find(([, r]) => r.measure.id === measureId);
  if (!entry) return null;
  const [name, rule] = entry;
  const u = UNIT_TEXT[rule.measure.unit] ?? '';
  const label = rule.classify(value);
  const [lo, hi] = rule.normal;
  let why: string;
  if (name === 'MW') why = value < 0 ? `MW < 0${u}` : value < 2 ? `0 ≤ MW < 2${u}` : value <= 4.5 ? `2–4.5${u}` : `MW > 4.5${u}`;
  else why = value < lo ? `${name} < ${lo}${u}` : value > hi ? `${name} > ${hi}${u}` : `${name} ${lo}–${hi}${u}`;
  return { label, text: `${ISBI_LABEL_TEXT[label]} (${why})` };
}
