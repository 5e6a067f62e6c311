// The DICOM receiver (a Storage SCP with C-ECHO): X-ray devices and PACS send images to the app
// as they send them to any workstation. DIMSE itself is dcmjs-dimse's; this decides who may send,
// what is accepted, and when a sender is told "stored".
//
// "Stored" is answered only once the object is a complete Part 10 file, synced, in the inbox
// folder, and its header reads as an image we can import (pixels present, a transfer syntax we
// decode, declared size within bounds). Objects that are not are refused with a failure status
// and a short reason the sender logs. A transfer cut off (the app killed, the cable pulled) leaves
// only a file in the inbox's hidden incoming folder, which is removed at the next start, and the
// sender, having no answer, sends again. The import and tracing of what lands in the inbox is the
// watch folder's (exactly once, crash-safe), see receiver.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import dimse from './dimse.js';
import { toAppError } from '../../src-shared/errors.js';
import { probeImage } from '../imaging/probe.js';
import { DEFAULT_LIMITS } from '../imaging/limits.js';
import { transferSyntaxInfo } from '../imaging/dicom/transfer-syntax.js';
import { part10Header } from './part10.js';
import { CappedFileStream } from './store-stream.js';

const { Server, Scp, Dataset, constants, responses } = dimse;
const { PresentationContextResult, RejectResult, RejectSource, RejectReason, SopClass, StorageClass, Status } = constants;

/** C-STORE statuses (PS3.4 B.2.3); the library names only some of them */
export const STORE_STATUS = {
  success: 0x0000,
  outOfResources: 0xa700,
  doesNotMatchSopClass: 0xa900,
  cannotUnderstand: 0xc000,
} as const;

export interface StorageScpOptions {
  port: number;
  /** the app's AE title: associations called to another title are refused */
  aeTitle: string;
  /** calling AE titles allowed to send; empty: any */
  allowedCallingAeTitles: string[];
  /** sender addresses allowed; empty: any */
  allowedHosts: string[];
  /** received objects land here, one Part 10 file each */
  inboxDir: string;
  /** largest dataset accepted, in bytes; default: the import's own limit */
  maxBytes?: number;
  log: (msg: string) => void;
  onStored?: (e: { file: string; callingAeTitle: string; host: string; bytes: number }) => void;
  onRefused?: (e: { reason: string; callingAeTitle: string; host: string }) => void;
}

export interface StorageScp {
  readonly port: number;
  close(): Promise<void>;
}

export const INCOMING = '.incoming';

const STORAGE_CLASS_NAMES = new Map(Object.entries(StorageClass as Record<string, string>).map(([name, uid]) => [uid, name]));
const STORAGE_CLASSES = new Set<string>(STORAGE_CLASS_NAMES.keys());
// a transfer syntax is accepted only if the import decodes it; among them the sender's order wins
const ACCEPTED_SYNTAXES = new Set(
  ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2', '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.5'].filter((ts) => transferSyntaxInfo(ts)),
);

/** An IPv4 peer seen through a dual-stack socket reads ::ffff:a.b.c.d. */
export function plainAddress(a: string | undefined): string {
  return (a ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/** The inbox name of one reception: its SOP instance UID (if it is one) and a reception tag, so an
 *  object sent again is a new file the import sees (and recognises by content), not a rewrite of a
 *  file already marked done. */
function fileNameFor(uid: string | undefined): string {
  const tag = crypto.randomUUID().slice(0, 8);
  return uid && /^[0-9.]{1,64}$/.test(uid) ? `${uid}_${tag}.dcm` : `received_${tag}.dcm`;
}

/** DICOM's Error Comment is an LO: at most 64 characters. */
function comment(s: string): string {
  const flat = s.replace(/[\\\r\n]+/g, ' ');
  return flat.length <= 64 ? flat : `${flat.slice(0, 61)}...`;
}

export function removeIncomingLeftovers(inboxDir: string): string[] {
  const dir = path.join(inboxDir, INCOMING);
  if (!fs.existsSync(dir)) return [];
  const names = fs.readdirSync(dir);
  for (const n of names) fs.rmSync(path.join(dir, n), { force: true, recursive: true });
  return names;
}

export async function startStorageScp(o: StorageScpOptions): Promise<StorageScp> {
  const incoming = path.join(o.inboxDir, INCOMING);
  fs.mkdirSync(incoming, { recursive: true, mode: 0o700 });
  const maxBytes = o.maxBytes ?? DEFAULT_LIMITS.maxDeclaredBytes;
  const received = new WeakMap<object, CappedFileStream | Error>();

  class AppScp extends Scp {
    private calling = '';
    private host = '';
    private open = new Set<CappedFileStream>();

    constructor(socket: ConstructorParameters<typeof Scp>[0], opts: ConstructorParameters<typeof Scp>[1]) {
      super(socket, opts);
      this.host = plainAddress(socket.remoteAddress);
      // a transfer cut off mid-dataset leaves no partial file behind
      this.on('close', () => {
        for (const s of this.open) s.destroy();
        this.open.clear();
      });
    }

    private refuse(reason: number, why: string): void {
      o.log(`DICOM receiver: association from ${this.calling || '?'} at ${this.host} refused: ${why}`);
      o.onRefused?.({ reason: why, callingAeTitle: this.calling, host: this.host });
      this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, reason);
    }

    override associationRequested(association: Parameters<InstanceType<typeof Scp>['associationRequested']>[0]): void {
      this.calling = association.getCallingAeTitle().trim();
      const called = association.getCalledAeTitle().trim();
      if (o.allowedHosts.length && !o.allowedHosts.includes(this.host)) return this.refuse(RejectReason.NoReasonGiven, `host ${this.host} is not allowed`);
      if (called !== o.aeTitle) return this.refuse(RejectReason.CalledAeNotRecognized, `called AE title ${JSON.stringify(called)} is not ours (${o.aeTitle})`);
      if (o.allowedCallingAeTitles.length && !o.allowedCallingAeTitles.includes(this.calling)) {
        return this.refuse(RejectReason.CallingAeNotRecognized, `calling AE title ${JSON.stringify(this.calling)} is not allowed`);
      }
      for (const c of association.getPresentationContexts()) {
        const context = association.getPresentationContext(c.id);
        const abstract = context.getAbstractSyntaxUid();
        if (abstract !== SopClass.Verification && !STORAGE_CLASSES.has(abstract)) {
          context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
          continue;
        }
        const ts = context.getTransferSyntaxUids().find((t) => ACCEPTED_SYNTAXES.has(t));
        if (ts) context.setResult(PresentationContextResult.Accept, ts);
        else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      }
      this.sendAssociationAccept();
    }

    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
    }

    override cEchoRequest(request: Parameters<InstanceType<typeof Scp>['cEchoRequest']>[0], callback: Parameters<InstanceType<typeof Scp>['cEchoRequest']>[1]): void {
      const response = responses.CEchoResponse.fromRequest(request);
      response.setStatus(Status.Success);
      callback(response);
    }

    override createStoreWritableStream(
      context: { getAcceptedTransferSyntaxUid(): string | undefined },
      request: Parameters<InstanceType<typeof Scp>['cStoreRequest']>[0],
    ): CappedFileStream {
      // the file starts as a Part 10 file (its meta group from the command and the negotiated
      // syntax), so the dataset's bytes are written once, straight after it
      const header = part10Header({
        sopClassUid: request.getAffectedSopClassUid(),
        sopInstanceUid: request.getAffectedSopInstanceUid(),
        transferSyntaxUid: context.getAcceptedTransferSyntaxUid() ?? '',
      });
      const s = new CappedFileStream(incoming, maxBytes, header);
      this.open.add(s);
      return s;
    }

    override createDatasetFromStoreWritableStream(writable: unknown, _context: unknown, callback: (dataset: InstanceType<typeof Dataset>) => void): void {
      const s = writable as CappedFileStream;
      // the dataset stays on disk: the request gets an empty stand-in that points at the file
      const stand = new Dataset({});
      s.once('finish', () => {
        received.set(stand, s);
        callback(stand);
      });
      s.once('error', (e) => {
        received.set(stand, e);
        callback(stand);
      });
    }

    override cStoreRequest(request: Parameters<InstanceType<typeof Scp>['cStoreRequest']>[0], callback: Parameters<InstanceType<typeof Scp>['cStoreRequest']>[1]): void {
      const answer = (status: number, why?: string) => {
        const r = responses.CStoreResponse.fromRequest(request);
        r.setStatus(status);
        if (why) r.setErrorComment(comment(why));
        callback(r);
      };
      const got = received.get(request.getDataset() as object);
      const sopInstanceUid = request.getAffectedSopInstanceUid();
      if (!got || got instanceof Error) {
        o.log(`DICOM receiver: ${sopInstanceUid} from ${this.calling}: could not be written: ${got ? got.message : 'no data'}`);
        return answer(STORE_STATUS.outOfResources, 'could not be written to disk');
      }
      this.open.delete(got);
      void this.keep(got, request.getAffectedSopClassUid(), sopInstanceUid).then(
        () => answer(STORE_STATUS.success),
        (e: { status: number; why: string }) => {
          o.log(`DICOM receiver: ${sopInstanceUid} from ${this.calling} refused: ${e.why}`);
          o.onRefused?.({ reason: e.why, callingAeTitle: this.calling, host: this.host });
          answer(e.status, e.why);
        },
      );
    }

    /** the received Part 10 file, checked, then moved into the inbox */
    private async keep(s: CappedFileStream, sopClassUid: string, sopInstanceUid: string): Promise<void> {
      try {
        if (s.tooLarge) throw { status: STORE_STATUS.outOfResources, why: `larger than the ${maxBytes >= 2 ** 20 ? `${Math.round(maxBytes / 2 ** 20)} MB` : `${Math.round(maxBytes / 1024)} kB`} accepted` };
        try {
          await probeImage(s.path);
        } catch (e) {
          const err = toAppError(e);
          const status = err.code === 'too_large' ? STORE_STATUS.outOfResources : err.code === 'not_an_image' || err.code === 'missing_element' ? STORE_STATUS.doesNotMatchSopClass : STORE_STATUS.cannotUnderstand;
          const notImage = err.code === 'not_an_image' || err.code === 'missing_element';
          throw { status, why: notImage ? `not an image (${STORAGE_CLASS_NAMES.get(sopClassUid) ?? sopClassUid}): ${err.message}` : err.message };
        }
        const target = path.join(o.inboxDir, fileNameFor(sopInstanceUid));
        fs.renameSync(s.path, target);
        syncFolder(o.inboxDir);
        o.onStored?.({ file: target, callingAeTitle: this.calling, host: this.host, bytes: s.bytes });
      } catch (e) {
        if (e && typeof e === 'object' && 'status' in e) throw e;
        throw { status: STORE_STATUS.outOfResources, why: `could not be stored: ${toAppError(e).message}` };
      } finally {
        s.discard();
      }
    }
  }

  const server = new Server(AppScp as unknown as typeof Scp);
  server.on('networkError', (e: Error) => o.log(`DICOM receiver: network error: ${e.message}`));
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('networkError', onError);
    server.once('listening', () => {
      server.off('networkError', onError);
      resolve();
    });
    server.listen(o.port);
  });
  const net = (server as unknown as { server: import('node:net').Server }).server;
  const address = net.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  o.log(`DICOM receiver: listening as ${o.aeTitle} on port ${port}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        net.once('close', () => resolve());
        server.close();
        if (!net.listening) resolve();
      }),
  };
}

function syncFolder(dir: string): void {
  // the rename is durable only once the folder's entry is on disk
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* some file systems refuse fsync on a folder; the file itself was synced */
  }
}
