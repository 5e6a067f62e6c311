// The server's status (version, model, provider). The model loads lazily on the server, so the
// status is re-read when asked (after work that may load it) and polled while still pending.
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, ApiResponse } from '../../src-shared/api/contract.js';
import { asAppError } from '../api/envelope.js';

export type SystemStatus = ApiResponse<'system.status'>;

/** while the server is still loading the model, ask again this often */
const MODEL_POLL_MS = 2000;

export function useSystemStatus(api: ApiClient): { status: SystemStatus | null; error: string | null; refresh: () => void } {
  const [status, setStatus] = useState<SystemStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    api['system.status']({}).then(
      (s) => {
        setStatus(s);
        setError(null);
      },
      (e: unknown) => setError(`${asAppError(e).code}: ${asAppError(e).message}`),
    );
  }, [api]);
  useEffect(refresh, [refresh]);

  const modelPending = status !== null && status.model === null && status.modelError === null;
  useEffect(() => {
    if (!modelPending) return;
    const t = setTimeout(refresh, MODEL_POLL_MS);
    return () => clearTimeout(t);
  }, [modelPending, status, refresh]);

  return { status, error, refresh };
}
