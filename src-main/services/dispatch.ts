// One request path for both transports: validate the request, run the handler, validate the
// response, and turn any failure into a typed error envelope.
import { API, type ApiName } from '../../src-shared/api/contract.js';
import { AppError, toAppError, type AppErrorData } from '../../src-shared/errors.js';
import type { ApiHandlers } from './handlers.js';

export type Envelope = { ok: true; value: unknown } | { ok: false; error: AppErrorData };

export function isApiName(name: string): name is ApiName {
  return Object.prototype.hasOwnProperty.call(API, name);
}

export async function dispatch(handlers: ApiHandlers, name: string, raw: unknown): Promise<Envelope> {
  try {
    if (!isApiName(name)) throw new AppError('not_found', `no API method ${name}`);
    const parsed = API[name].request.safeParse(raw ?? {});
    if (!parsed.success) {
      throw new AppError('bad_request', `invalid ${name} request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
    const handler = handlers[name] as (r: unknown) => Promise<unknown>;
    const value = API[name].response.parse(await handler(parsed.data));
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: toAppError(e).toJSON() };
  }
}
