// Turns whatever a transport answered into a validated value or a thrown AppError, so a bad
// server answer reads like any other typed failure instead of crashing a component later.
import { API, EnvelopeSchema, type ApiClient, type ApiName, type ApiResponse } from '../../src-shared/api/contract.js';
import { AppError } from '../../src-shared/errors.js';

export function unwrapEnvelope<N extends ApiName>(name: N, raw: unknown): ApiResponse<N> {
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) throw new AppError('internal', `${name}: the answer is not an API envelope`);
  if (!env.data.ok) throw new AppError(env.data.error.code, env.data.error.message, env.data.error.detail);
  const value = API[name].response.safeParse(env.data.value);
  if (!value.success) {
    const first = value.error.issues[0];
    throw new AppError('internal', `${name}: unexpected answer at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`);
  }
  return value.data as ApiResponse<N>;
}

/** Checks the request against the contract before it leaves, then hands it to `send`. */
export function buildClient(send: (name: ApiName, body: unknown) => Promise<unknown>): ApiClient {
  const client: Partial<Record<ApiName, (req: unknown) => Promise<unknown>>> = {};
  for (const name of Object.keys(API) as ApiName[]) {
    client[name] = async (req: unknown) => {
      const parsed = API[name].request.safeParse(req);
      if (!parsed.success) {
        throw new AppError('bad_request', `${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      }
      return unwrapEnvelope(name, await send(name, parsed.data));
    };
  }
  return client as ApiClient;
}

/** Any thrown value as the error shape the UI shows (code + message). */
export function asAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  return new AppError('internal', e instanceof Error ? e.message : String(e));
}
