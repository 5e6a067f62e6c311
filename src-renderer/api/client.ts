// Picks the transport once at startup: Electron's bridge when present, else the loopback server
// that served this page.
import { createHttpTransport } from './client-http.js';
import { createIpcTransport } from './client-ipc.js';
import { takeToken } from './token.js';
import type { Transport } from './transport.js';

export type TransportChoice = { ok: true; transport: Transport } | { ok: false; message: string };

export function chooseTransport(): TransportChoice {
  if (window.medsapiens) return { ok: true, transport: createIpcTransport(window.medsapiens) };
  const token = takeToken();
  if (!token) {
    return { ok: false, message: 'No access token. Open the address the MedSapiens server printed (it ends in #token=…); the token is valid for that run only.' };
  }
  return { ok: true, transport: createHttpTransport(token) };
}
