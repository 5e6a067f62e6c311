// The clinic's PACS as a service of the app: remembered in the case database, checked by C-ECHO,
// searched by C-FIND, studies pulled by C-MOVE to the app's own receiver (where they are imported
// and traced like anything received), and results stored back by C-STORE, on demand or when a
// tracing is marked reviewed.
import dimse from './dimse.js';
import type { PacsConfig, PacsStatus, PacsStudy } from '../../src-shared/api/contract.js';
import { AppError, toAppError } from '../../src-shared/errors.js';
import type { CaseStore } from '../db/store.js';
import type { ImageLibrary } from '../services/image-library.js';
import type { DicomReceiver } from './receiver.js';
import { buildResults, type ResultKind, type SendOutcome, storeResults } from './results.js';
import { describePeer, runAssociation } from './scu.js';

const { requests, constants } = dimse;
const { Status } = constants;
/** C-FIND answers a match with Pending, or 0xFF01 when an optional key was not supported */
const isPending = (status: number) => status === Status.Pending || status === 0xff01;

export interface PacsDeps {
  store: CaseStore;
  library: ImageLibrary;
  receiver: DicomReceiver;
  log: (msg: string) => void;
  /** per association; default 20 s */
  timeoutMs?: number;
  /** the PACS for this run (command line): used instead of the saved one, which stays as it was */
  override?: PacsConfig;
}

export interface PacsQuery {
  patientName?: string;
  patientId?: string;
  dateFrom?: string;
  dateTo?: string;
  modality?: string;
}

export interface PacsService {
  status(): PacsStatus;
  set(config: PacsConfig | null): PacsStatus;
  echo(): Promise<{ ok: true; ms: number }>;
  query(q: PacsQuery): Promise<PacsStudy[]>;
  retrieve(studyUid: string): Promise<{ completed: number; failed: number; warnings: number }>;
  send(req: { imageId: number; analyses: string[]; kinds: ResultKind[] }, automatic?: boolean): Promise<SendOutcome[]>;
  /** called when a tracing is marked reviewed: sends in the background if the clinic asked for it */
  reviewed(imageId: number): void;
  /** resolves when the background sends started so far have finished */
  idle(): Promise<void>;
}

/** C-FIND matching: '*' and '?' are wildcards and '\' separates values, so they are taken out of what
 *  the user typed; a name matches as a prefix, as clinic search boxes do. */
const literal = (s: string) => s.replace(/[*?\\]/g, '').trim();

function personName(v: unknown): string | null {
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'string') return first || null;
  if (first && typeof first === 'object' && 'Alphabetic' in first) return String((first as { Alphabetic: unknown }).Alphabetic ?? '') || null;
  return null;
}
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null);

export function createPacsService(d: PacsDeps): PacsService {
  const recent: PacsStatus['recent'] = [];
  const background = new Set<Promise<unknown>>();
  const config = () => d.override ?? d.store.getSetting('dicom.pacs');
  const calling = () => d.receiver.status().config.aeTitle;
  const peer = () => {
    const c = config();
    if (!c) throw new AppError('bad_request', 'no PACS is set up: give its AE title, host and port first');
    return c;
  };
  const opts = () => ({ callingAeTitle: calling(), timeoutMs: d.timeoutMs });

  const service: PacsService = {
    status: () => ({ config: config(), callingAeTitle: calling(), recent: [...recent] }),
    set(c) {
      d.store.setSetting('dicom.pacs', c);
      return service.status();
    },
    async echo() {
      const p = peer();
      const t0 = performance.now();
      let status: number | null = null;
      const r = new requests.CEchoRequest();
      r.on('response', (res: { getStatus(): number }) => (status = res.getStatus()));
      await runAssociation(p, [r], opts());
      if (status !== Status.Success) throw new AppError('unreachable', `${describePeer(p)} did not answer the echo`);
      return { ok: true, ms: performance.now() - t0 };
    },
    async query(q) {
      const p = peer();
      const name = q.patientName ? literal(q.patientName) : '';
      const id = q.patientId ? literal(q.patientId) : '';
      const range = q.dateFrom || q.dateTo ? `${q.dateFrom ?? ''}-${q.dateTo ?? ''}` : '';
      const r = requests.CFindRequest.createStudyFindRequest({
        PatientName: name ? `${name}*` : '',
        PatientID: id,
        StudyDate: range,
        ModalitiesInStudy: q.modality ? literal(q.modality) : '',
      });
      const found: PacsStudy[] = [];
      let final = null as number | null;
      r.on('response', (res: { getStatus(): number; hasDataset(): boolean; getDataset(): { getElements(): Record<string, unknown> } | undefined }) => {
        const status = res.getStatus();
        if (isPending(status) && res.hasDataset()) {
          const e = res.getDataset()!.getElements();
          const uid = str(e.StudyInstanceUID);
          if (!uid) return;
          const modalities = e.ModalitiesInStudy;
          found.push({
            studyUid: uid,
            patientName: personName(e.PatientName),
            patientId: str(e.PatientID),
            birthDate: str(e.PatientBirthDate),
            studyDate: str(e.StudyDate),
            description: str(e.StudyDescription),
            modalities: (Array.isArray(modalities) ? modalities : typeof modalities === 'string' ? modalities.split('\\') : []).filter((m): m is string => typeof m === 'string' && m !== ''),
            instances: Number.isFinite(Number(e.NumberOfStudyRelatedInstances)) && e.NumberOfStudyRelatedInstances !== '' ? Number(e.NumberOfStudyRelatedInstances) : null,
          });
        } else if (!isPending(status)) final = status;
      });
      await runAssociation(p, [r], opts());
      if (final !== Status.Success) throw new AppError('unreachable', `${describePeer(p)} failed the search${final === null ? ' (no final answer)' : ` with status 0x${final.toString(16)}`}`);
      return found.sort((a, b) => (b.studyDate ?? '').localeCompare(a.studyDate ?? ''));
    },
    async retrieve(studyUid) {
      const p = peer();
      const receiving = d.receiver.status();
      if (!receiving.listening) {
        throw new AppError('bad_request', `the DICOM receiver is not listening: a study is pulled by asking ${p.aeTitle} to send it to us, so turn the receiver on first`);
      }
      const r = requests.CMoveRequest.createStudyMoveRequest(receiving.config.aeTitle, studyUid);
      let last: { status: number; completed: number; failed: number; warnings: number; comment: string } | null = null;
      r.on('response', (res: { getStatus(): number; getCompleted(): number; getFailures(): number; getWarnings(): number; getErrorComment?(): string }) => {
        last = { status: res.getStatus(), completed: res.getCompleted() ?? 0, failed: res.getFailures() ?? 0, warnings: res.getWarnings() ?? 0, comment: res.getErrorComment?.() ?? '' };
      });
      await runAssociation(p, [r], { ...opts(), timeoutMs: Math.max(d.timeoutMs ?? 20_000, 120_000) });
      const done = last as { status: number; completed: number; failed: number; warnings: number; comment: string } | null;
      if (!done) throw new AppError('unreachable', `${describePeer(p)} gave no answer to the retrieve`);
      // 0xA801: the PACS does not know our AE title as a destination
      if (done.status === 0xa801) throw new AppError('unreachable', `${p.aeTitle} does not know where ${receiving.config.aeTitle} is: add it (port ${receiving.config.port}) to the PACS's list of DICOM destinations`);
      if (done.status !== Status.Success && (done.status & 0xf000) !== 0xb000) {
        throw new AppError('unreachable', `${describePeer(p)} failed the retrieve with status 0x${done.status.toString(16)}${done.comment ? ` (${done.comment})` : ''}`);
      }
      d.log(`PACS: study ${studyUid} retrieved from ${p.aeTitle}: ${done.completed} sent, ${done.failed} failed, ${done.warnings} with warnings`);
      return { completed: done.completed, failed: done.failed, warnings: done.warnings };
    },
    async send(req, automatic = false) {
      const p = peer();
      const entry: PacsStatus['recent'][number] = { at: new Date().toISOString(), imageId: req.imageId, automatic, outcomes: [], error: null };
      try {
        const objects = await buildResults(d, { imageId: req.imageId, analyses: req.analyses, kinds: req.kinds });
        entry.outcomes = await storeResults(p, calling(), objects, d.timeoutMs);
        return entry.outcomes;
      } catch (e) {
        entry.error = toAppError(e).message;
        throw e;
      } finally {
        recent.unshift(entry);
        recent.length = Math.min(recent.length, 20);
        const what = entry.error ?? entry.outcomes.map((o) => `${o.kind} ${o.ok ? 'stored' : `failed: ${o.message}`}`).join(', ');
        d.log(`PACS: results of image ${req.imageId} ${automatic ? '(after review) ' : ''}to ${p.aeTitle}: ${what}`);
      }
    },
    reviewed(imageId) {
      const c = config();
      if (!c?.sendAfterReview || d.store.getCase(imageId).image.format !== 'dicom') return;
      const job = service.send({ imageId, analyses: c.analyses, kinds: ['sr', 'pdf'] }, true).catch(() => undefined); // logged and listed in recent
      background.add(job);
      void job.finally(() => background.delete(job));
    },
    async idle() {
      await Promise.allSettled([...background]);
    },
  };
  return service;
}
