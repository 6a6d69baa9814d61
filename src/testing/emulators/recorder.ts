/**
 * What an emulator remembers about each request: everything it received and everything it answered.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FaultKind } from './faults.js';

/** One request seen by an emulator, in arrival order. */
export interface RecordedRequest {
  /** 1-based arrival number (survives `reset()` clearing the list). */
  readonly seq: number;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Path without the query string, as received (not decoded). */
  readonly path: string;
  /** Query parameters (first value of each name). */
  readonly query: Readonly<Record<string, string>>;
  /** Request headers as Node parsed them (lower-case names). */
  readonly headers: Readonly<IncomingHttpHeaders>;
  /** The body bytes exactly as received (still compressed if the request was). */
  readonly rawBody: Buffer;
  /** The body as the platform understood it (JSON object, form fields, items...), `undefined` if unparsed. */
  readonly body: unknown;
  /** Client address (IPv4/IPv6 as seen on the socket, or the forwarded one when trusted). */
  readonly ip: string;
  /** Arrival time on the emulator's clock (epoch ms). */
  readonly time: number;
  /** Status answered; `undefined` while pending, or when the request hung or was reset. */
  readonly status: number | undefined;
  /** Headers answered (lower-case names). */
  readonly responseHeaders: Readonly<Record<string, string>>;
  /** Body answered, as text. */
  readonly responseBody: string | undefined;
  /** The injected fault, if one applied. */
  readonly fault: FaultKind | undefined;
}

/** The mutable form the server fills in; callers only ever see {@link RecordedRequest}. */
export type RequestRecord = { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] };

/** Builds the first-value query map of a URL. */
export function queryRecord(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * Appends `item`, keeping at most `max` entries: when full, the oldest tenth is dropped at once so a
 * long-running emulator (the CLI under load) stays bounded without copying the list on every request.
 */
export function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - Math.floor(max * 0.9));
}
