/**
 * Checks an HTTP collector with a request that posts no events, typically a GET on a health endpoint.
 * @module
 */
import type { ProbeOutcome, SendResult } from '../../core/sink.js';
import { RateLimitedError, ServerError } from '../../resilience/errors.js';
import { parseRetryAfterHeader } from '../../resilience/retry-after.js';
import { probeRequest } from './probe-request.js';
import { type HttpTransport, header } from './transport.js';

/** A request that checks the collector without posting events (`offpath check --probe`). */
export interface HttpProbeOptions {
  /** Where to send it: an absolute URL, or a path on the destination's host such as `/health`. @default the destination's `url` */
  readonly url?: string;
  /** @default 'GET' */
  readonly method?: 'GET' | 'HEAD';
}

const HINTS: ReadonlyArray<readonly [(status: number) => boolean, string]> = [
  [(s) => s === 401 || s === 403, 'the collector refused the credentials (check headers)'],
  [(s) => s === 404 || s === 410, 'nothing answers at the probe URL'],
  [(s) => s === 405, 'the collector does not accept this method there (set probe.url to a health endpoint)'],
  [(s) => s === 429, 'rate limited: try again later'],
  [(s) => s >= 500, 'the collector reported an error of its own'],
];

/** Sends the probe request with the destination's headers; 2xx is ok. Never throws. */
export async function probeHttp(
  transport: HttpTransport,
  destinationUrl: string,
  probe: HttpProbeOptions,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  const method = probe.method ?? 'GET';
  const url = new URL(probe.url ?? destinationUrl, destinationUrl).toString();
  const answer = await probeRequest(transport, url, { method, headers: { ...headers }, signal });
  if (!answer.ok) return answer.outcome;
  const { status } = answer.response;
  const said = `${method} answered ${status}`;
  if (status >= 200 && status < 300) return { status: 'ok', detail: said };
  const hint = HINTS.find(([matches]) => matches(status))?.[1] ?? 'unexpected status';
  return { status: 'failed', detail: `${said}: ${hint}` };
}

/**
 * The circuit breaker's recovery probe for a collector: the probe request when one is configured,
 * else a HEAD on the destination URL, with the destination's headers. It posts nothing. Any answer but
 * a 5xx or a 429 means the collector is up again (a 405 on HEAD still proves it answers); the batches
 * that follow tell the rest.
 */
export async function pingHttp(
  transport: HttpTransport,
  destinationUrl: string,
  probe: HttpProbeOptions | undefined,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
  now: () => number,
): Promise<SendResult> {
  const method = probe ? (probe.method ?? 'GET') : 'HEAD';
  const url = new URL(probe?.url ?? destinationUrl, destinationUrl).toString();
  const outcome = await transport.send(url, { method, headers: { ...headers }, signal });
  if (!outcome.ok) return { ok: false, kind: 'retryable', error: outcome.error };
  const { status } = outcome.response;
  const detail = `${method} answered ${status}`;
  if (status === 429) {
    const retryAfterMs = parseRetryAfterHeader(header(outcome.response, 'retry-after'), now());
    const error = new RateLimitedError(detail, { statusCode: status, retryAfterMs });
    return retryAfterMs === undefined
      ? { ok: false, kind: 'retryable', error }
      : { ok: false, kind: 'retryable', error, retryAfterMs };
  }
  if (status >= 500)
    return { ok: false, kind: 'retryable', error: new ServerError(detail, { statusCode: status }) };
  return { ok: true };
}
