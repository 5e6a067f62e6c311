// A received C-STORE dataset becomes a DICOM Part 10 file: preamble, file meta group (encoded by
// dcmjs), then the dataset's bytes exactly as they came over the wire in the negotiated transfer
// syntax. The dataset is never parsed and re-encoded, so nothing in it (private tags, odd VRs,
// compressed frames) can be lost or changed on the way to the import.
import fs from 'node:fs';
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

/** Writes header + body into `target` (a new file) and syncs it to disk before returning. */
export function writePart10(target: string, header: Buffer, bodyPath: string): void {
  const out = fs.openSync(target, 'wx', 0o600);
  try {
    fs.writeSync(out, header);
    const input = fs.openSync(bodyPath, 'r');
    try {
      const chunk = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        const n = fs.readSync(input, chunk, 0, chunk.length, null);
        if (n === 0) break;
        fs.writeSync(out, chunk, 0, n);
      }
    } finally {
      fs.closeSync(input);
    }
    fs.fsyncSync(out);
  } finally {
    fs.closeSync(out);
  }
}
