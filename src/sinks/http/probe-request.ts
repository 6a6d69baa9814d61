/**
 * One probe request: a response to interpret, or a transport failure already described as an
 * `unreachable` outcome. Shared by every network destination's probe.
 * @module
 */
import type { ProbeOutcome } from '../../core/sink.js';
import type { OffpathError } from '../../resilience/errors.js';
import type { HttpResponse, HttpTransport } from './transport.js';

/** A response, or the outcome to report when there was none. */
export type ProbeAnswer =
  | { readonly ok: true; readonly response: HttpResponse }
  | { readonly ok: false; readonly outcome: ProbeOutcome };

/** Socket error codes in words a reader can act on. */
const NETWORK_CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
};

/** Sends a request that must not post anything; never throws. */
export async function probeRequest(
  transport: HttpTransport,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<ProbeAnswer> {
  const outcome = await transport.send(url, init);
  if (outcome.ok) return outcome;
  return { ok: false, outcome: { status: 'unreachable', detail: describeUnreachable(outcome.error) } };
}

/** "connection refused", "no answer: timed out after 5000 ms", … */
export function describeUnreachable(error: OffpathError): string {
  if (error.code === 'ERR_TIMEOUT') return `no answer: ${error.message}`;
  const cause = networkCause(error);
  return cause ?? error.message;
}

function networkCause(error: unknown): string | undefined {
  // undici wraps socket errors: the code sits on one of the causes, a few levels down at most.
  let e: unknown = (error as { cause?: unknown }).cause;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CAUSES[code]) return NETWORK_CAUSES[code];
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
