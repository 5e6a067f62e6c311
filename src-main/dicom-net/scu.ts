// One association with a peer (the PACS) that carries some requests and ends: what the send,
// query and retrieve services have in common. dcmjs-dimse speaks DIMSE; this turns its events
// into one promise and its failures into errors a user can act on.
import dimse from './dimse.js';
import { AppError } from '../../src-shared/errors.js';

const { Client } = dimse;

export interface Peer {
  /** the peer's AE title (called) */
  aeTitle: string;
  host: string;
  port: number;
}

export interface AssociationOptions {
  /** our AE title (calling) */
  callingAeTitle: string;
  /** connection and each PDU; a peer that stops answering fails after this long */
  timeoutMs?: number;
}

type Request = Parameters<InstanceType<typeof Client>['addRequest']>[0];

export const describePeer = (p: Peer) => `${p.aeTitle} at ${p.host}:${p.port}`;

/** Sends the requests on one association and resolves once it is released and closed. */
export function runAssociation(peer: Peer, requests: Request[], o: AssociationOptions): Promise<void> {
  const timeout = o.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const client = new Client();
    for (const r of requests) client.addRequest(r);
    let failure: AppError | null = null;
    client.on('associationRejected', (r: { result: number; source: number; reason: number }) => {
      failure = new AppError('unreachable', `${describePeer(peer)} refused the association (reason ${r.reason}): check that it knows our AE title ${o.callingAeTitle} and that its own AE title is ${peer.aeTitle}`);
    });
    client.on('networkError', (e: NodeJS.ErrnoException) => {
      // the library wraps socket errors in its own message; the errno names survive in the text
      const said = `${e.code ?? ''} ${e.message}`;
      const why = /ECONNREFUSED/.test(said)
        ? 'nothing answers on that port'
        : /ENOTFOUND|EAI_AGAIN/.test(said)
          ? 'the host name is not known'
          : /EHOSTUNREACH|ENETUNREACH/.test(said)
            ? 'the host is not reachable on the network'
            : /timeout|timed out|ETIMEDOUT/i.test(said)
              ? `no answer within ${Math.round(timeout / 1000)} s`
              : e.message.replace(/^\s*->\s*/, '');
      failure ??= new AppError('unreachable', `the PACS ${describePeer(peer)} cannot be reached: ${why}`);
    });
    client.on('closed', () => (failure ? reject(failure) : resolve()));
    client.send(peer.host, peer.port, o.callingAeTitle, peer.aeTitle, { connectTimeout: timeout, associationTimeout: timeout, pduTimeout: timeout });
    // the client does not pass on an A-ABORT from the peer (a PACS refusing an operation from an AE
    // it does not know aborts it); without this the association would only end at the timeout
    const network = (client as unknown as { network?: { on(ev: string, fn: (e: { source: number; reason: number }) => void): void; socket?: { destroy(): void } } }).network;
    network?.on('abort', () => {
      failure ??= new AppError('unreachable', `${describePeer(peer)} aborted the association: it may not accept ${o.callingAeTitle} (add our AE title, host and port to its DICOM modalities)`);
      network.socket?.destroy();
    });
  });
}
