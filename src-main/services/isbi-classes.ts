// The ISBI 2015 challenge's second task: clinical classes (ANB, SNB, SNA, ODI, APDI, FHI, FMA,
// MW) from landmarks. Reference: classes from the mean tracing; inter-observer agreement (senior
// vs junior) says how well two experts agree, which bounds what a model can be expected to reach.
import { classAgreement, classDistribution, isbiClasses, ISBI_MEASURE_IDS, type IsbiClasses } from '../../src-shared/ceph/isbi-classification.js';
import { tracingFromIsbiCoordinates } from '../../src-shared/ceph/isbi-tracing.js';
import type { Pt } from '../../src-shared/metrics.js';
import { ISBI_MM_PER_PIXEL, readAnnotations } from './isbi-dataset.js';

export function classesOf(points: Pt[]): IsbiClasses {
  return isbiClasses(tracingFromIsbiCoordinates(points.flatMap((p) => [p.x, p.y])), ISBI_MM_PER_PIXEL);
}

function rates(a: ReturnType<typeof classAgreement>) {
  const out: Record<string, { rate: number | null; compared: number }> = {};
  for (const id of ISBI_MEASURE_IDS) out[id] = { rate: a[id].rate === null ? null : 100 * a[id].rate!, compared: a[id].compared };
  return out;
}

export function groundTruthClasses(root: string, ids?: string[]) {
  const mean = readAnnotations(root, 'mean');
  const senior = readAnnotations(root, 'senior');
  const junior = readAnnotations(root, 'junior');
  const chosen = ids ?? [...mean.keys()].sort();
  const m = chosen.map((id) => classesOf(mean.get(id)!));
  const s = chosen.map((id) => classesOf(senior.get(id)!));
  const j = chosen.map((id) => classesOf(junior.get(id)!));
  return {
    images: chosen.length,
    distribution_mean_tracing: classDistribution(m),
    inter_observer_agreement_pct: rates(classAgreement(s, j)),
    senior_vs_mean_pct: rates(classAgreement(s, m)),
    classes: m,
  };
}

export function modelAgreement(root: string, predictions: Record<string, Pt[]>) {
  const ids = Object.keys(predictions).sort();
  const mean = readAnnotations(root, 'mean');
  const senior = readAnnotations(root, 'senior');
  const junior = readAnnotations(root, 'junior');
  const p = ids.map((id) => classesOf(predictions[id]));
  return {
    images: ids.length,
    model_vs_mean_pct: rates(classAgreement(p, ids.map((id) => classesOf(mean.get(id)!)))),
    model_vs_senior_pct: rates(classAgreement(p, ids.map((id) => classesOf(senior.get(id)!)))),
    senior_vs_junior_same_images_pct: rates(classAgreement(ids.map((id) => classesOf(senior.get(id)!)), ids.map((id) => classesOf(junior.get(id)!)))),
  };
}

export function formatAgreement(title: string, table: Record<string, Record<string, { rate: number | null }>>): string {
  const cols = Object.keys(table);
  const lines = [title, `  ${'measure'.padEnd(8)} ${cols.map((c) => c.padStart(28)).join(' ')}`];
  for (const id of ISBI_MEASURE_IDS) {
    lines.push(`  ${id.padEnd(8)} ${cols.map((c) => (table[c][id].rate === null ? 'n/a' : table[c][id].rate!.toFixed(1) + '%').padStart(28)).join(' ')}`);
  }
  return lines.join('\n');
}
