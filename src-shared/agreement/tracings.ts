// How well two sets of tracings of the same images agree: per landmark, the radial distance between
// the two placements (mean, SD, share within 2 / 2.5 / 3 / 4 mm); per measure of the chosen
// analyses, ICC(2,1) and ICC(3,1), Bland-Altman and Dahlberg's error over the images where both
// tracings give the measure.
import { evaluateAnalysis } from '../ceph/evaluate-analysis.js';
import type { Tracing, Unit } from '../ceph/types.js';
import { ALL_LANDMARKS } from '../landmarks.js';
import { SDR_THRESHOLDS_MM } from '../metrics.js';
import { blandAltman, dahlberg, icc, type BlandAltman, type Icc } from './statistics.js';

export interface TracingPair {
  id: string;
  a: Tracing;
  b: Tracing;
  /** the image's pixel spacing; without it distances are in pixels and mm measures are left out */
  mmPerPixel?: number;
}

export interface LandmarkAgreement {
  id: string;
  n: number;
  unit: 'mm' | 'px';
  meanDistance: number;
  sdDistance: number;
  /** percent of images within each SDR threshold (mm only) */
  sdr?: Record<string, number>;
}

export interface MeasureAgreement {
  id: string;
  name: string;
  unit: Unit;
  n: number;
  meanA: number;
  meanB: number;
  /** absent below 3 images or where the images do not vary */
  icc?: Pick<Icc, 'icc2' | 'icc3'>;
  blandAltman: BlandAltman;
  dahlberg: number;
}

export interface TracingAgreement {
  images: number;
  /** 'mm' when every image is calibrated */
  distanceUnit: 'mm' | 'px';
  landmarks: LandmarkAgreement[];
  measures: MeasureAgreement[];
  analyses: string[];
}

export function tracingAgreement(pairs: readonly TracingPair[], analyses: readonly string[]): TracingAgreement {
  const calibrated = pairs.length > 0 && pairs.every((p) => p.mmPerPixel !== undefined);
  const unit = calibrated ? 'mm' : 'px';
  const landmarks: LandmarkAgreement[] = [];
  for (const { id } of ALL_LANDMARKS) {
    const d = pairs.flatMap((p) => {
      const a = p.a[id];
      const b = p.b[id];
      return a && b ? [Math.hypot(a.x - b.x, a.y - b.y) * (calibrated ? p.mmPerPixel! : 1)] : [];
    });
    if (d.length === 0) continue;
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, d.length - 1));
    const sdr = calibrated ? Object.fromEntries(SDR_THRESHOLDS_MM.map((t) => [`${t}mm`, (100 * d.filter((v) => v <= t).length) / d.length])) : undefined;
    landmarks.push({ id, n: d.length, unit, meanDistance: mean, sdDistance: sd, ...(sdr ? { sdr } : {}) });
  }

  // a measure in two analyses is one measure: its values are taken once per image
  const values = new Map<string, { name: string; unit: Unit; a: number[]; b: number[]; images: Set<string> }>();
  for (const p of pairs) {
    for (const analysis of analyses) {
      const ea = evaluateAnalysis(analysis, p.a, { mmPerPixel: p.mmPerPixel });
      const eb = evaluateAnalysis(analysis, p.b, { mmPerPixel: p.mmPerPixel });
      ea.measures.forEach((m, i) => {
        const rb = eb.measures[i].result;
        if (m.result.status !== 'ok' || rb.status !== 'ok') return;
        const v = values.get(m.id) ?? { name: m.name, unit: m.unit, a: [], b: [], images: new Set<string>() };
        values.set(m.id, v);
        if (v.images.has(p.id)) return;
        v.images.add(p.id);
        v.a.push(m.result.value);
        v.b.push(rb.value);
      });
    }
  }
  const measures: MeasureAgreement[] = [];
  for (const [id, v] of values) {
    if (v.a.length < 2) continue;
    const r = v.a.length >= 3 ? icc(v.a.map((x, i) => [x, v.b[i]])) : undefined;
    const iccs = r && [r.icc2.value, r.icc3.value].every(Number.isFinite) ? { icc2: r.icc2, icc3: r.icc3 } : undefined;
    const mean = (x: number[]) => x.reduce((s, y) => s + y, 0) / x.length;
    measures.push({ id, name: v.name, unit: v.unit, n: v.a.length, meanA: mean(v.a), meanB: mean(v.b), ...(iccs ? { icc: iccs } : {}), blandAltman: blandAltman(v.a, v.b), dahlberg: dahlberg(v.a, v.b) });
  }
  return { images: pairs.length, distanceUnit: unit, landmarks, measures, analyses: [...analyses] };
}
