// The PDF report as a DICOM Encapsulated PDF, in the same study as the image and naming it as
// its source, so every PACS viewer can open the report beside the film.
import type { SourceInstance } from './source-instance.js';
import { dicomDateTime, TYPE_2_DEFAULTS } from './sr-document.js';

export const ENCAPSULATED_PDF = '1.2.840.10008.5.1.4.1.1.104.1';

export interface PdfInput {
  pdf: Uint8Array;
  title: string;
  source: SourceInstance;
  uids: { series: string; instance: string };
  now: Date;
  seriesNumber?: number;
}

export function buildEncapsulatedPdf(i: PdfInput): Record<string, unknown> {
  const { date, time } = dicomDateTime(i.now);
  const s = i.source;
  // an OB value must have even length: the pad byte is not part of the document, whose length is stated
  const padded = new Uint8Array(i.pdf.length + (i.pdf.length % 2));
  padded.set(i.pdf);
  return {
    ...TYPE_2_DEFAULTS,
    ...s.patientStudy,
    SOPClassUID: ENCAPSULATED_PDF,
    SOPInstanceUID: i.uids.instance,
    Modality: 'DOC',
    SeriesInstanceUID: i.uids.series,
    SeriesNumber: i.seriesNumber ?? 902,
    SeriesDescription: 'MedSapiens cephalometric report',
    InstanceNumber: 1,
    Manufacturer: 'MedSapiens',
    ConversionType: 'WSD',
    ContentDate: date,
    ContentTime: time,
    AcquisitionDateTime: `${date}${time}`,
    // the report prints the patient's name and the measurements on its pages
    BurnedInAnnotation: 'YES',
    DocumentTitle: i.title.slice(0, 64),
    ConceptNameCodeSequence: [],
    SourceInstanceSequence: [{ ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid }],
    MIMETypeOfEncapsulatedDocument: 'application/pdf',
    EncapsulatedDocumentLength: i.pdf.length,
    EncapsulatedDocument: [padded.buffer],
  };
}
