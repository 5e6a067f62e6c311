// The shape of the Electron preload bridge as the renderer sees it: one method per contract name,
// each answering the same envelope as the loopback server. Pixels and progress are not contract
// methods (they are binary / a stream), so the bridge may carry them as optional extras.
import type { ApiName } from '../../src-shared/api/contract.js';
import type { AppErrorData } from '../../src-shared/errors.js';

export type Envelope = { ok: true; value: unknown } | { ok: false; error: AppErrorData };

export interface GreyPixels {
  width: number;
  height: number;
  /** 8-bit grey, row-major, width × height bytes */
  pixels: Uint8Array;
}

export type MedsapiensBridge = { [N in ApiName]: (req: unknown) => Promise<Envelope> } & {
  /** src-main/electron/preload.cts: ipc 'api:pixels' */
  pixels?: (imageId: number) => Promise<{ ok: true; value: GreyPixels } | { ok: false; error: AppErrorData }>;
  /** progress events ('api:event'); returns the unsubscribe function */
  onProgress?: (listener: (event: unknown) => void) => () => void;
};

declare global {
  interface Window {
    medsapiens?: MedsapiensBridge;
  }
}
