/**
 * Exchange → event: what one request through the gateway becomes on the instance's pipeline. Runs
 * once the client has its last byte (or the exchange failed), only for exchanges the capture filter
 * keeps, and hands the event to `emit()`, which is synchronous and O(1): normalisation, redaction and
 * delivery happen later, off the request path, in the pipeline.
 *
 * Credentials never get here: the client's proxy token was dropped from the forwarded headers, the
 * headers the proxy adds upstream are masked by name, and the exact values of both are scrubbed from
 * every header and body excerpt in case an upstream echoes them.
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { OffpathEvent } from '../core/event.js';
import type { Level } from '../core/level.js';
import type { EmitFn } from '../core/source.js';
import type { CaptureFilter } from '../sources/capture-filter.js';
import type { ExchangeOutcome } from './proxy-counters.js';
import type { ResolvedProxy } from './proxy-options.js';
import { SCRUBBED, type SecretScrubber } from './secret-scrubber.js';

/** What the tracer reads of a finished exchange. */
export interface ExchangeView {
  readonly requestId: string;
  readonly method: string;
  /** The upstream URL the request went to. */
  readonly url: string;
  /** The forwarded request headers, flat `[name, value, …]`. */
  readonly upstreamHeaders: readonly string[];
  readonly status: number;
  readonly responseHeaders: IncomingHttpHeaders | undefined;
  /** Epoch ms at the start; ms to the first response byte (0 when none) and in all. */
  readonly startedAt: number;
  readonly ttfbMs: number;
  readonly totalMs: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly requestExcerpt: Buffer | undefined;
  readonly responseExcerpt: Buffer | undefined;
  readonly attempts: number;
  readonly outcome: ExchangeOutcome;
  readonly error: { readonly code: string; readonly message: string } | undefined;
  readonly traceparent: string | undefined;
}

const UPSTREAM_FAILURES: ReadonlySet<ExchangeOutcome> = new Set([
  'upstream-error',
  'timeout',
  'stream-inactivity',
  'breaker-open',
]);

/** Turns finished exchanges of one proxy into events. */
export class ExchangeTracer {
  readonly #proxy: ResolvedProxy;
  readonly #filter: CaptureFilter;
  readonly #scrubber: SecretScrubber;
  readonly #emit: EmitFn;
  readonly #added: ReadonlySet<string>;

  constructor(proxy: ResolvedProxy, filter: CaptureFilter, scrubber: SecretScrubber, emit: EmitFn) {
    this.#proxy = proxy;
    this.#filter = filter;
    this.#scrubber = scrubber;
    this.#emit = emit;
    this.#added = new Set(proxy.headers.map(([name]) => name));
  }

  /** Decides, and emits when kept; true when an event was handed to the instance. */
  trace(x: ExchangeView): boolean {
    if (!this.#wants(x)) return false;
    return this.#emit(this.#event(x));
  }

  #wants(x: ExchangeView): boolean {
    if (UPSTREAM_FAILURES.has(x.outcome)) return this.#filter.wantsNetworkErrors;
    if (x.status === 0) return x.totalMs >= this.#filter.slowMs;
    return this.#filter.wantsResponse(x.status, x.ttfbMs);
  }

  #level(x: ExchangeView): Level {
    if (UPSTREAM_FAILURES.has(x.outcome)) return 'error';
    if (x.outcome === 'client-aborted') return x.status >= 500 ? 'error' : 'warn';
    return this.#filter.levelOf(x.status, x.ttfbMs);
  }

  #event(x: ExchangeView): OffpathEvent {
    const withHeaders = this.#filter.options.headers ?? true;
    const scrub = this.#scrubber;
    const path = x.url.slice(this.#proxy.target.origin.length) || '/';
    const result =
      x.status === 0 ? x.outcome : `${x.status}${x.outcome === 'completed' ? '' : ` (${x.outcome})`}`;
    return {
      level: this.#level(x),
      kind: 'http',
      time: x.startedAt,
      title: `${this.#proxy.name}: ${x.method} ${scrub.text(path)} → ${result}`,
      tags: ['gateway', this.#proxy.name],
      fingerprint: `gateway:${this.#proxy.name}:${x.method}:${x.status === 0 ? x.outcome : x.status}`,
      fields: {
        proxy: this.#proxy.name,
        requestId: x.requestId,
        outcome: x.outcome,
        attempts: x.attempts,
        ttfbMs: round(x.ttfbMs),
        totalMs: round(x.totalMs),
        requestBytes: x.bytesIn,
        responseBytes: x.bytesOut,
        ...(x.traceparent === undefined ? {} : { traceparent: x.traceparent }),
      },
      http: {
        maxBodyBytes: this.#filter.maxBodyBytes,
        request: {
          method: x.method,
          url: scrub.text(x.url),
          ...(withHeaders ? { headers: this.#requestHeaders(x.upstreamHeaders) } : {}),
          ...(x.requestExcerpt ? { body: scrub.bytes(x.requestExcerpt) } : {}),
        },
        ...(x.status === 0
          ? {}
          : {
              response: {
                status: x.status,
                durationMs: round(x.totalMs),
                ...(withHeaders && x.responseHeaders
                  ? { headers: responsePairs(x.responseHeaders, scrub) }
                  : {}),
                ...(x.responseExcerpt ? { body: scrub.bytes(x.responseExcerpt) } : {}),
              },
            }),
        ...(x.error ? { error: { code: x.error.code, message: scrub.text(x.error.message) } } : {}),
      },
    };
  }

  /** The forwarded headers, with what the proxy added upstream masked by name. */
  #requestHeaders(flat: readonly string[]): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const name = flat[i]!;
      out.push([name, this.#added.has(name) ? SCRUBBED : this.#scrubber.text(flat[i + 1]!)]);
    }
    return out;
  }
}

function responsePairs(headers: IncomingHttpHeaders, scrub: SecretScrubber): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const v of value) out.push([name, scrub.text(v)]);
    else if (value !== undefined) out.push([name, scrub.text(value)]);
  }
  return out;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
