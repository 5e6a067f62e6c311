// A case's results as DICOM objects for the PACS: the tracing and measurements as an SR, the PDF
// report as an Encapsulated PDF, both in the image's study, each in a new series of its own (a
// second send after a correction adds a new version beside the first, as PACS expect), then
// stored to the PACS over C-STORE or written as Part 10 files.
import fs from 'node:fs';
import path from 'node:path';
import dimse from './dimse.js';
import { AppError } from '../../src-shared/errors.js';
import type { CaseStore } from '../db/store.js';
import { buildReportData, checkAnalysisIds, requireLandmarks } from '../reports/report-data.js';
import { reportForCase } from '../reports/case-report.js';
import type { ImageLibrary } from '../services/image-library.js';
import { writePrivateFile } from '../util/private-files.js';
import { withCharacterSet } from './character-set.js';
import { buildEncapsulatedPdf } from './encapsulated-pdf.js';
import { describePeer, type Peer, runAssociation } from './scu.js';
import { readSourceInstance } from './source-instance.js';
import { buildSrDocument } from './sr-document.js';

const { Dataset, constants, requests } = dimse;

export const RESULT_KINDS = ['sr', 'pdf'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export interface ResultObject {
  kind: ResultKind;
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  elements: Record<string, unknown>;
}

export interface ResultsRequest {
  imageId: number;
  analyses: string[];
  kinds: readonly ResultKind[];
  now?: Date;
}

export async function buildResults(deps: { store: CaseStore; library: ImageLibrary }, req: ResultsRequest): Promise<ResultObject[]> {
  const analyses = checkAnalysisIds(req.analyses);
  if (req.kinds.length === 0) throw new AppError('bad_request', 'name what to send: the SR, the PDF or both');
  const c = deps.store.getCase(req.imageId);
  const { set, modelPoints } = requireLandmarks(c);
  const source = readSourceInstance(deps, req.imageId);
  const now = req.now ?? new Date();
  const model = modelPoints.length > 0 ? { name: set.modelName, version: set.modelVersion } : null;
  const uids = () => ({ series: Dataset.generateDerivedUid(), instance: Dataset.generateDerivedUid() });
  const out: ResultObject[] = [];
  for (const kind of new Set(req.kinds)) {
    const u = uids();
    const built =
      kind === 'sr'
        ? buildSrDocument({ report: buildReportData({ case: c, analyses, model, generatedAt: now }), source, uids: u, now })
        : buildEncapsulatedPdf({
            pdf: (await reportForCase(deps, { imageId: req.imageId, analyses, format: 'pdf', generatedAt: now })).bytes,
            title: 'Cephalometric report',
            source,
            uids: u,
            now,
          });
    const elements = withCharacterSet(built);
    out.push({ kind, sopClassUid: elements.SOPClassUID as string, sopInstanceUid: u.instance, seriesInstanceUid: u.series, studyInstanceUid: source.studyInstanceUid, elements });
  }
  return out;
}

const dataset = (o: ResultObject) => new Dataset(o.elements, constants.TransferSyntax.ExplicitVRLittleEndian);

/** Part 10 files in `dir`, named by kind and SOP instance UID; returns their paths. */
export function writeResults(objects: ResultObject[], dir: string): string[] {
  return objects.map((o) => {
    const file = path.join(dir, `${o.kind}-${o.sopInstanceUid}.dcm`);
    const ds = dataset(o);
    // dcmjs-dimse encodes (toFile, synchronous without a callback); the private writer then
    // puts the bytes in place atomically, readable by this account only
    const tmp = `${file}.${process.pid}.part`;
    try {
      ds.toFile(tmp);
      writePrivateFile(file, fs.readFileSync(tmp));
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return file;
  });
}

export interface SendOutcome {
  kind: ResultKind;
  sopInstanceUid: string;
  ok: boolean;
  /** the DIMSE status the PACS answered */
  status: number | null;
  message: string;
}

/** Stores the objects to the PACS on one association; each object's outcome, failures included. */
export async function storeResults(peer: Peer, callingAeTitle: string, objects: ResultObject[], timeoutMs?: number): Promise<SendOutcome[]> {
  const outcomes = new Map<string, SendOutcome>();
  const reqs = objects.map((o) => {
    const r = new requests.CStoreRequest(dataset(o));
    r.on('response', (res: { getStatus(): number; getErrorComment(): string }) => {
      const status = res.getStatus();
      // 0x0000 success; 0xB000, 0xB007, 0xB006: stored with a warning (coerced, elements discarded)
      const ok = status === 0 || (status & 0xf000) === 0xb000;
      const comment = res.getErrorComment?.() ?? '';
      outcomes.set(o.sopInstanceUid, {
        kind: o.kind,
        sopInstanceUid: o.sopInstanceUid,
        ok,
        status,
        message: ok ? `stored in ${peer.aeTitle}${status ? ` with warning 0x${status.toString(16)}` : ''}` : `refused by ${peer.aeTitle}: status 0x${status.toString(16)}${comment ? ` (${comment})` : ''}`,
      });
    });
    return r;
  });
  await runAssociation(peer, reqs, { callingAeTitle, timeoutMs });
  return objects.map(
    (o) => outcomes.get(o.sopInstanceUid) ?? { kind: o.kind, sopInstanceUid: o.sopInstanceUid, ok: false, status: null, message: `no answer from ${describePeer(peer)} for this object (the PACS may not accept its SOP class)` },
  );
}
