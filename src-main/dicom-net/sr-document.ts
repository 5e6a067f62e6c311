// The tracing and its measurements as a DICOM Comprehensive SR, in the same study as the image.
//
// The tree follows the shape of TID 1500 (Measurement Report): a report container with the
// observer context (the device, and the review state), an image library naming the cephalogram,
// and imaging measurements holding one group for the landmarks and one per analysis. It does not
// claim TID 1500 conformance (no ContentTemplateSequence): TID 1501 has no place for a bare
// landmark point, and cephalometric landmarks and measures have no codes in DCM or SNOMED CT that
// fit them all, so they are coded in a private scheme, 99MEDSAPIENS, as PS3.16 allows for local
// codes; the document titles and structural concepts are DCM's own.
//
// Landmarks are SCOORD POINTs selected from the image, in its pixel frame: SR's image coordinates
// put the first pixel's top-left corner at (0, 0), the app's put the first pixel's centre there,
// hence the half pixel. Measures are NUMs with UCUM units.
import type { ReportData } from '../reports/report-schema.js';
import type { SourceInstance } from './source-instance.js';
import { IMPLEMENTATION_CLASS_UID } from './part10.js';

export const COMPREHENSIVE_SR = '1.2.840.10008.5.1.4.1.1.88.33';
export const LOCAL_SCHEME = '99MEDSAPIENS';

type Item = Record<string, unknown>;
type Code = { CodeValue?: string; LongCodeValue?: string; CodingSchemeDesignator: string; CodeMeaning: string };

/** SH holds 16 characters; longer local codes go in Long Code Value (PS3.3 8.8). */
export function code(value: string, scheme: string, meaning: string): Code {
  const m = meaning.slice(0, 64);
  return value.length <= 16 ? { CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: m } : { LongCodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: m };
}
const dcm = (value: string, meaning: string) => code(value, 'DCM', meaning);

const UNITS: Record<ReportData['analyses'][number]['measures'][number]['unit'], Code> = {
  deg: code('deg', 'UCUM', 'degree'),
  mm: code('mm', 'UCUM', 'millimeter'),
  ratio: code('1', 'UCUM', 'no units'),
  percent: code('%', 'UCUM', 'percent'),
};

const container = (concept: Code, relationship: string | null, children: Item[]): Item => ({
  ...(relationship ? { RelationshipType: relationship } : {}),
  ValueType: 'CONTAINER',
  ConceptNameCodeSequence: [concept],
  ContinuityOfContent: 'SEPARATE',
  ContentSequence: children,
});
const text = (relationship: string, concept: Code, value: string): Item => ({ RelationshipType: relationship, ValueType: 'TEXT', ConceptNameCodeSequence: [concept], TextValue: value.slice(0, 1024) });
const codeItem = (relationship: string, concept: Code, value: Code): Item => ({ RelationshipType: relationship, ValueType: 'CODE', ConceptNameCodeSequence: [concept], ConceptCodeSequence: [value] });
const uidRef = (relationship: string, concept: Code, uid: string): Item => ({ RelationshipType: relationship, ValueType: 'UIDREF', ConceptNameCodeSequence: [concept], UID: uid });

export interface SrInput {
  report: ReportData;
  source: SourceInstance;
  uids: { series: string; instance: string };
  now: Date;
  seriesNumber?: number;
}

/** Patient and study attributes of type 2: present even when the source had no value. */
export const TYPE_2_DEFAULTS = { PatientName: '', PatientID: '', PatientBirthDate: '', PatientSex: '', StudyDate: '', StudyTime: '', ReferringPhysicianName: '', StudyID: '', AccessionNumber: '' };

export function dicomDateTime(d: Date): { date: string; time: string } {
  const iso = d.toISOString();
  return { date: iso.slice(0, 10).replaceAll('-', ''), time: iso.slice(11, 19).replaceAll(':', '') };
}

/** The SR as a naturalized dataset (dcmjs names), ready to be encoded. */
export function buildSrDocument(i: SrInput): Record<string, unknown> {
  const { report: r, source: s } = i;
  const imageRef = { ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid };
  const selectedFrom: Item = { RelationshipType: 'SELECTED FROM', ValueType: 'IMAGE', ReferencedSOPSequence: [imageRef] };

  // one group per landmark: Comprehensive SR lets a SCOORD have no children but the image it is
  // selected from, so how the point was placed and its uncertainty sit beside it in its group
  const landmarks = r.landmarks.map<Item>((l) => {
    const concept = code(l.id, LOCAL_SCHEME, `${l.name} (${l.abbreviation})`);
    return container(dcm('125007', 'Measurement Group'), 'CONTAINS', [
      text('HAS OBS CONTEXT', dcm('112039', 'Tracking Identifier'), `landmark ${l.abbreviation}`),
      { RelationshipType: 'CONTAINS', ValueType: 'SCOORD', ConceptNameCodeSequence: [concept], GraphicType: 'POINT', GraphicData: [l.x + 0.5, l.y + 0.5], ContentSequence: [selectedFrom] },
      text('CONTAINS', code('placed-by', LOCAL_SCHEME, 'Placed by'), l.source === 'model' ? (l.edit === 'none' ? 'model' : `model, ${l.edit} by hand`) : 'hand'),
      ...(l.uncertaintyMm !== null ? [num('CONTAINS', code('uncertainty90', LOCAL_SCHEME, 'Radius holding the true point with 90 % probability'), l.uncertaintyMm, UNITS.mm)] : []),
    ]);
  });

  const analyses = r.analyses.map<Item>((a) =>
    container(dcm('125007', 'Measurement Group'), 'CONTAINS', [
      text('HAS OBS CONTEXT', dcm('112039', 'Tracking Identifier'), `${a.name} (${a.normSet} norms)`),
      ...a.measures.flatMap<Item>((m) => {
        const concept = code(m.id, LOCAL_SCHEME, m.name);
        if (m.status !== 'ok' || m.value === null) {
          const why = m.status === 'missing' ? `landmarks missing: ${m.missing.join(', ')}` : m.status === 'uncalibrated' ? 'the image has no calibration' : (m.reason ?? 'cannot be computed');
          return [text('CONTAINS', concept, `not measured: ${why}`)];
        }
        const children: Item[] = [];
        if (m.norm) children.push(text('HAS PROPERTIES', code('norm', LOCAL_SCHEME, 'Norm'), `mean ${m.norm.mean}, SD ${m.norm.sd} (${m.norm.source})`));
        if (m.flag) children.push(text('HAS PROPERTIES', code('flag', LOCAL_SCHEME, 'Against the norm'), m.flag));
        return [{ ...num('CONTAINS', concept, m.value, UNITS[m.unit]), ...(children.length ? { ContentSequence: children } : {}) }];
      }),
    ]),
  );

  const reviewed = r.landmarkSet.reviewedAt ? `reviewed by a clinician at ${r.landmarkSet.reviewedAt}` : 'not reviewed by a clinician';
  const root = container(dcm('126000', 'Imaging Measurement Report'), null, [
    codeItem('HAS CONCEPT MOD', dcm('121049', 'Language of Content Item and Descendants'), code('en-US', 'RFC5646', 'English (United States)')),
    codeItem('HAS OBS CONTEXT', dcm('121005', 'Observer Type'), dcm('121007', 'Device')),
    uidRef('HAS OBS CONTEXT', dcm('121012', 'Device Observer UID'), IMPLEMENTATION_CLASS_UID),
    text('HAS OBS CONTEXT', dcm('121013', 'Device Observer Name'), r.model ? `MedSapiens ${r.model.name} ${r.model.version}` : 'MedSapiens (traced by hand)'),
    text('HAS OBS CONTEXT', dcm('121014', 'Device Observer Manufacturer'), 'MedSapiens'),
    codeItem('HAS CONCEPT MOD', dcm('121058', 'Procedure reported'), code('ceph-analysis', LOCAL_SCHEME, 'Cephalometric analysis')),
    container(dcm('111028', 'Image Library'), 'CONTAINS', [{ RelationshipType: 'CONTAINS', ValueType: 'IMAGE', ReferencedSOPSequence: [imageRef] }]),
    container(dcm('126010', 'Imaging Measurements'), 'CONTAINS', [
      ...landmarks,
      ...analyses,
    ]),
    text('CONTAINS', code('review', LOCAL_SCHEME, 'Review state'), reviewed),
    text('CONTAINS', code('calibration', LOCAL_SCHEME, 'Calibration'), r.calibration.label),
    text('CONTAINS', code('disclaimer', LOCAL_SCHEME, 'Disclaimer'), r.disclaimer),
  ]);

  const { date, time } = dicomDateTime(i.now);
  const { ContentSequence, ConceptNameCodeSequence, ContinuityOfContent, ValueType } = root;
  return {
    ...TYPE_2_DEFAULTS,
    ...s.patientStudy,
    SOPClassUID: COMPREHENSIVE_SR,
    SOPInstanceUID: i.uids.instance,
    Modality: 'SR',
    SeriesInstanceUID: i.uids.series,
    SeriesNumber: i.seriesNumber ?? 901,
    SeriesDescription: 'MedSapiens cephalometric tracing',
    InstanceNumber: 1,
    Manufacturer: 'MedSapiens',
    ReferencedPerformedProcedureStepSequence: [],
    ContentDate: date,
    ContentTime: time,
    ValueType,
    ConceptNameCodeSequence,
    ContinuityOfContent,
    CompletionFlag: 'COMPLETE',
    // VERIFIED needs a named verifying observer; the review state is stated in the content instead
    VerificationFlag: 'UNVERIFIED',
    CurrentRequestedProcedureEvidenceSequence: [
      {
        StudyInstanceUID: s.studyInstanceUid,
        ReferencedSeriesSequence: [{ SeriesInstanceUID: s.seriesInstanceUid, ReferencedSOPSequence: [imageRef] }],
      },
    ],
    PerformedProcedureCodeSequence: [],
    ContentSequence,
  };
}

function num(relationship: string, concept: Code, value: number, unit: Code): Item {
  return {
    RelationshipType: relationship,
    ValueType: 'NUM',
    ConceptNameCodeSequence: [concept],
    // DS holds 16 characters
    MeasuredValueSequence: [{ NumericValue: Number(value.toPrecision(8)), MeasurementUnitsCodeSequence: [unit] }],
  };
}
