// Where the two sets of tracings compared by `medsapiens agreement` come from: two tracing CSVs
// (`id,x1,y1,...` in pixels, ISBI landmark order), ISBI 2015's senior and junior annotations of a
// split, or the case database's model tracings against what clinicians made of them. Only images
// both sets trace are paired.
import { AppError } from '../../src-shared/errors.js';
import type { TracingPair } from '../../src-shared/agreement/tracings.js';
import { ISBI_LANDMARKS } from '../../src-shared/landmarks.js';
import type { Pt } from '../../src-shared/metrics.js';
import type { Tracing } from '../../src-shared/ceph/types.js';
import type { CaseStore } from '../db/store.js';
import { calibrationOf } from '../reports/calibration.js';
import { ISBI_MM_PER_PIXEL, readAnnotationFile, readAnnotations, readSplit } from './isbi-dataset.js';

function asTracing(points: Pt[], file: string, id: string): Tracing {
  if (points.length !== ISBI_LANDMARKS.length || points.some((p) => !Number.isFinite(p.x) || !Number.isFinite(p.y))) {
    throw new AppError('bad_request', `${file}: image ${id} needs ${ISBI_LANDMARKS.length} finite points (x1,y1 ... x${ISBI_LANDMARKS.length},y${ISBI_LANDMARKS.length}), has ${points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).length}`);
  }
  return Object.fromEntries(ISBI_LANDMARKS.map((l, k) => [l.id, points[k]]));
}

function pair(a: Map<string, Pt[]>, b: Map<string, Pt[]>, names: [string, string], mmPerPixel: number | undefined, ids?: string[]): TracingPair[] {
  const chosen = ids ?? [...a.keys()].filter((id) => b.has(id)).sort();
  const pairs = chosen.flatMap((id) => {
    const pa = a.get(id);
    const pb = b.get(id);
    if (!pa || !pb) return [];
    return [{ id, a: asTracing(pa, names[0], id), b: asTracing(pb, names[1], id), ...(mmPerPixel ? { mmPerPixel } : {}) }];
  });
  if (pairs.length === 0) throw new AppError('bad_request', `no image is traced in both ${names[0]} and ${names[1]}`);
  return pairs;
}

export function csvPairs(fileA: string, fileB: string, mmPerPixel: number | undefined): TracingPair[] {
  if (mmPerPixel !== undefined && !(mmPerPixel > 0 && mmPerPixel < 10)) throw new AppError('bad_request', `--mm-per-px must be a spacing in mm per pixel (0 to 10), not ${mmPerPixel}`);
  return pair(readAnnotationFile(fileA), readAnnotationFile(fileB), [fileA, fileB], mmPerPixel);
}

/** ISBI 2015's two annotators on one split: a = senior, b = junior. */
export function isbiAnnotatorPairs(root: string, split: string): TracingPair[] {
  return pair(readAnnotations(root, 'senior'), readAnnotations(root, 'junior'), ['senior.csv', 'junior.csv'], ISBI_MM_PER_PIXEL, readSplit(root, split));
}

/** The model against the clinician, from the case database: on every case whose tracing was
 *  reviewed or corrected by hand, the model's points (a) and the points as they stand (b). */
export function modelVsClinicianPairs(store: CaseStore): TracingPair[] {
  const pairs: TracingPair[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = store.listCases({ limit: 1000, offset });
    for (const summary of page) {
      // the list says enough to pass over untouched cases without reading their points
      if (summary.currentSetId === null || (summary.reviewedAt === null && summary.handPoints === 0)) continue;
      const c = store.getCase(summary.imageId);
      const s = c.landmarks;
      if (!s || s.modelPoints.length === 0) continue;
      const mm = calibrationOf(c.image).mmPerPixel;
      pairs.push({
        id: String(c.image.id),
        a: Object.fromEntries(s.modelPoints.map((p) => [p.landmarkId, { x: p.x, y: p.y }])),
        b: Object.fromEntries(s.points.map((p) => [p.landmarkId, { x: p.x, y: p.y }])),
        ...(mm !== null ? { mmPerPixel: mm } : {}),
      });
    }
    if (page.length < 1000) break;
  }
  if (pairs.length === 0) throw new AppError('bad_request', 'no case has a reviewed or hand-corrected model tracing yet: the model is compared with what clinicians made of its tracings');
  return pairs;
}
