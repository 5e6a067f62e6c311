// A cephalogram as the DICOM a clinic's PACS would hold: an ISBI film as a grey baseline JPEG
// DICOM with a patient's identity, a study's UID and date, and (optionally) its pixel spacing.
import fs from 'node:fs';
import sharp from 'sharp';
import { greyImageElements, replaceTag, TS, writeDicom, type El } from '../imaging/helpers/dicom-writer.js';

export interface StudyTags {
  patientName: string;
  patientId: string;
  /** YYYYMMDD */
  birthDate?: string;
  sex?: 'M' | 'F' | 'O';
  /** YYYYMMDD */
  studyDate: string;
  studyUid: string;
  /** mm per pixel, written as PixelSpacing; none: an uncalibrated film */
  spacingMm?: number;
}

export async function patientDicom(jpgPath: string, t: StudyTags): Promise<Buffer> {
  const { data, info } = await sharp(fs.readFileSync(jpgPath)).greyscale().raw().toBuffer({ resolveWithObject: true });
  const codestream = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } }).toColourspace('b-w').jpeg({ quality: 95 }).toBuffer();
  const extra: El[] = [
    { tag: 0x00080020, vr: 'DA', value: t.studyDate },
    { tag: 0x00100020, vr: 'LO', value: t.patientId },
    { tag: 0x0020000d, vr: 'UI', value: t.studyUid },
    { tag: 0x0020000e, vr: 'UI', value: `${t.studyUid}.1` },
    ...(t.birthDate ? [{ tag: 0x00100030, vr: 'DA', value: t.birthDate }] : []),
    ...(t.sex ? [{ tag: 0x00100040, vr: 'CS', value: t.sex }] : []),
    ...(t.spacingMm ? [{ tag: 0x00280030, vr: 'DS', value: `${t.spacingMm}\\${t.spacingMm}` }] : []),
  ];
  let els = greyImageElements({ rows: info.height, columns: info.width, bitsAllocated: 8, extra });
  els = replaceTag(els, { tag: 0x00100010, vr: 'PN', value: t.patientName });
  els = replaceTag(els, { tag: 0x00080018, vr: 'UI', value: `${t.studyUid}.1.1` });
  return Buffer.from(writeDicom(els, { transferSyntax: TS.jpegBaseline, encapsulated: { fragments: [new Uint8Array(codestream)] } }));
}
