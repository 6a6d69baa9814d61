/**
 * Checks an HTTP collector with a request that posts no events, typically a GET on a health endpoint.
 * @module
 */
import type { ProbeOutcome } from '../../core/sink.js';
import { probeRequest } from './probe-request.js';
import type { HttpTransport } from './transport.js';

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
