// What the UI needs from the main process, whichever way it is reached.
import type { ApiClient, ProgressEvent } from '../../src-shared/api/contract.js';
import type { GreyPixels } from './bridge.js';

export interface Transport {
  kind: 'ipc' | 'http';
  api: ApiClient;
  pixels(imageId: number): Promise<GreyPixels>;
  /** returns the unsubscribe function */
  onProgress(listener: (event: ProgressEvent) => void): () => void;
}
