// Calls the loopback API as the browser does (POST /api/<name> with the token), checking the
// envelope and the response against the contract: one client for every test that talks to a server.
import assert from 'node:assert/strict';
import { API, EnvelopeSchema, type ApiName, type ApiRequest, type ApiResponse } from '../../src-shared/api/contract.js';

export interface LoopbackClient {
  /** the raw envelope */
  post(name: string, req: unknown): Promise<ReturnType<typeof EnvelopeSchema.parse>>;
  /** the value, or throws with the error's code and message */
  call<N extends ApiName>(name: N, req: ApiRequest<N>): Promise<ApiResponse<N>>;
  /** asserts the call is refused and returns its message */
  refused(name: ApiName, req: unknown): Promise<string>;
}

export function loopbackClient(server: { url: string; token: string }): LoopbackClient {
  const post = async (name: string, req: unknown) => {
    const res = await fetch(`${server.url}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-medsapiens-token': server.token }, body: JSON.stringify(req) });
    return EnvelopeSchema.parse(await res.json());
  };
  return {
    post,
    async call(name, req) {
      const env = await post(name, req);
      if (!env.ok) throw new Error(`${name}: ${env.error.code}: ${env.error.message}`);
      return API[name].response.parse(env.value) as never;
    },
    async refused(name, req) {
      const env = await post(name, req);
      assert.equal(env.ok, false, `${name} ${JSON.stringify(req)} was accepted`);
      return (env as { error: { message: string } }).error.message;
    },
  };
}
