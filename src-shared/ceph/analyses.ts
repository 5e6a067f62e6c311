// Analyses are named lists of measures. Which landmarks an analysis needs follows from its
// measures, so the UI can ask for exactly the manual points that are still missing.
import { bjorkJarabak as bj, dental, jawSize, kim, sagittal, softTissue, vertical } from './measures/index.js';
import type { AnalysisDef, LandmarkId, MeasureDef } from './types.js';

function defineAnalysis(spec: Omit<AnalysisDef, 'needs'>): AnalysisDef {
  const needs: LandmarkId[] = [];
  for (const m of spec.measures) for (const id of m.needs) if (!needs.includes(id)) needs.push(id);
  const ids = spec.measures.map((m: MeasureDef) => m.id);
  if (new Set(ids).size !== ids.length) throw new Error(`analysis ${spec.id} lists a measure twice`);
  return Object.freeze({ ...spec, measures: Object.freeze([...spec.measures]), needs: Object.freeze(needs) });
}

export const steiner = defineAnalysis({
  id: 'steiner',
  name: 'Steiner',
  description: 'Jaw relationship to the anterior cranial base and incisor position (Steiner 1953).',
  measures: [
    sagittal.sna,
    sagittal.snb,
    sagittal.anb,
    vertical.snGoGn,
    vertical.occlusalToSn,
    dental.u1ToNaDeg,
    dental.u1ToNaMm,
    dental.l1ToNbDeg,
    dental.l1ToNbMm,
    dental.interincisal,
  ],
});

export const downs = defineAnalysis({
  id: 'downs',
  name: 'Downs',
  description: 'Skeletal and dental pattern relative to Frankfort horizontal (Downs 1948).',
  measures: [
    sagittal.facialAngle,
    sagittal.convexityAngle,
    sagittal.abPlaneAngle,
    vertical.fma,
    vertical.yAxis,
    vertical.occlusalToFh,
    dental.interincisal,
    dental.l1ToOcclusal,
    dental.impa,
    dental.u1ToAPogMm,
  ],
});

export const mcnamara = defineAnalysis({
  id: 'mcnamara',
  name: 'McNamara',
  description: 'Jaw position to the nasion perpendicular and effective jaw lengths (McNamara 1984).',
  measures: [
    sagittal.nPerpToA,
    sagittal.nPerpToPog,
    jawSize.coToA,
    jawSize.coToGn,
    jawSize.maxillomandibularDifference,
    vertical.lowerAnteriorFaceHeight,
  ],
});

export const tweed = defineAnalysis({
  id: 'tweed',
  name: 'Tweed',
  description: "Tweed's diagnostic triangle: FMA, IMPA, FMIA (Tweed 1954).",
  measures: [vertical.fma, dental.impa, dental.fmia],
});

export const wits = defineAnalysis({
  id: 'wits',
  name: 'Wits appraisal',
  description: 'A and B projected on the occlusal plane (Jacobson 1975); needs molars and incisors.',
  measures: [sagittal.wits],
});

export const ricketts = defineAnalysis({
  id: 'ricketts',
  name: 'Ricketts (available measures)',
  description:
    'The Ricketts measures computable from our landmarks (Ricketts 1981). Those needing Xi, Pm, DC or PTV are not included.',
  measures: [
    vertical.facialAxis,
    sagittal.facialDepth,
    vertical.fma,
    vertical.facialTaper,
    sagittal.maxillaryDepth,
    vertical.cranialDeflection,
    sagittal.convexityMm,
    dental.l1ToAPogMm,
    dental.u1ToAPogMm,
    dental.l1ToAPogDeg,
    dental.interincisal,
    softTissue.lowerLipToELine,
  ],
});

export const bjorkJarabak = defineAnalysis({
  id: 'bjork_jarabak',
  name: 'Björk-Jarabak',
  description: "Björk's polygon and Jarabak's face-height ratio (Jarabak & Fizzell 1972).",
  measures: [
    bj.saddleAngle,
    bj.articularAngle,
    bj.gonialAngle,
    bj.bjorkSum,
    bj.upperGonialAngle,
    bj.lowerGonialAngle,
    bj.anteriorCranialBase,
    bj.posteriorCranialBase,
    bj.ramusHeight,
    bj.mandibularBodyLength,
    vertical.jarabakRatio,
  ],
});

export const isbi2015 = defineAnalysis({
  id: 'isbi2015',
  name: 'ISBI 2015 clinical classification',
  description:
    'The eight measures of the ISBI 2015 challenge classification; classes per measure come from isbiClasses(). ' +
    "The challenge's FMA is computed from S-N to Go-Gn, i.e. it is sn_gogn here.",
  measures: [
    sagittal.anb,
    sagittal.snb,
    sagittal.sna,
    kim.overbiteDepthIndicator,
    kim.anteroposteriorDysplasiaIndicator,
    vertical.facialHeightIndex,
    vertical.snGoGn,
    dental.modifiedWits,
  ],
  defaultNormSet: 'isbi2015',
});

export const ANALYSES: Readonly<Record<string, AnalysisDef>> = Object.freeze(
  Object.fromEntries([steiner, downs, mcnamara, tweed, wits, ricketts, bjorkJarabak, isbi2015].map((a) => [a.id, a])),
);
