// The DICOM identity of a case's image, read from the image library's copy of the file it was
// imported from: what a result sent back to the PACS must carry to sit in the same study (patient
// and study attributes, copied as they are) and to point at the image (SOP class and instance).
import fs from 'node:fs';
import dcmjs from 'dcmjs';
import { AppError } from '../../src-shared/errors.js';
import type { CaseStore } from '../db/store.js';
import type { ImageLibrary } from '../services/image-library.js';
import { sha256Hex } from '../util/sha256.js';

/** Patient and General Study module attributes, copied into every result (their text decoded:
 *  see character-set.ts). */
const COPIED = [
  'PatientName',
  'PatientID',
  'IssuerOfPatientID',
  'PatientBirthDate',
  'PatientSex',
  'StudyInstanceUID',
  'StudyDate',
  'StudyTime',
  'ReferringPhysicianName',
  'StudyID',
  'AccessionNumber',
  'StudyDescription',
] as const;

export interface SourceInstance {
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  /** naturalized (dcmjs) patient and study attributes, as in the source */
  patientStudy: Record<string, unknown>;
}

export function readSourceInstance(deps: { store: CaseStore; library: Pick<ImageLibrary, 'pathFor'> }, imageId: number): SourceInstance {
  const c = deps.store.getCase(imageId);
  if (c.image.format !== 'dicom') {
    throw new AppError('bad_request', `image ${imageId} was imported from a ${c.image.format.toUpperCase()} file, not from DICOM: results go back to a PACS only for images that came from one`, { imageId });
  }
  const file = deps.library.pathFor(c.image.sha256, c.image.sourcePath);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new AppError('image_missing', `the image file of case ${imageId} is missing: relink or re-import it`, { path: file });
  }
  // results must point at the very image the landmarks were placed on
  if (sha256Hex(bytes) !== c.image.sha256) throw new AppError('image_changed', `the image file of case ${imageId} (${file}) is not the one imported: relink or re-import it`, { path: file });
  const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
  const read = DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, { untilTag: '7FE00010', includeUntilTagValue: false, ignoreErrors: true });
  const ds = DicomMetaDictionary.naturalizeDataset(read.dict);
  const text = (k: string) => (typeof ds[k] === 'string' && ds[k] ? (ds[k] as string) : null);
  const sopClassUid = text('SOPClassUID');
  const sopInstanceUid = text('SOPInstanceUID');
  const studyInstanceUid = text('StudyInstanceUID');
  const seriesInstanceUid = text('SeriesInstanceUID');
  if (!sopClassUid || !sopInstanceUid || !studyInstanceUid || !seriesInstanceUid) {
    throw new AppError('missing_element', `the DICOM file of case ${imageId} lacks its SOP class, SOP instance, study or series UID: a result cannot refer to it`, { imageId });
  }
  const patientStudy: Record<string, unknown> = {};
  for (const k of COPIED) if (ds[k] !== undefined) patientStudy[k] = ds[k];
  return { sopClassUid, sopInstanceUid, seriesInstanceUid, studyInstanceUid, patientStudy };
}
