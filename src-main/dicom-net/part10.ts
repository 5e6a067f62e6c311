// The start of a received C-STORE dataset's Part 10 file: preamble and file meta group (encoded by
// dcmjs). The dataset's bytes follow exactly as they came over the wire in the negotiated transfer
// syntax: never parsed and re-encoded, so nothing in them (private tags, odd VRs, compressed
// frames) can be lost or changed on the way to the import.
import dcmjs from 'dcmjs';

/** MedSapiens' implementation class UID (a UUID-derived 2.25 root, fixed once). */
export const IMPLEMENTATION_CLASS_UID = '2.25.12830462098031738395399054915569273809';
export const IMPLEMENTATION_VERSION = 'MEDSAPIENS';

export interface Part10Meta {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
}

export function part10Header(m: Part10Meta): Buffer {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: m.sopClassUid,
    MediaStorageSOPInstanceUID: m.sopInstanceUid,
    TransferSyntaxUID: m.transferSyntaxUid,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION,
  });
  // an empty dataset: what is written is the preamble, DICM and the meta group with its length
  return Buffer.from(new DicomDict(meta).write());
}
