/**
 * The HTTP client every network sink uses: one bounded connection pool per destination (so a dead
 * destination can hold a few sockets at most, never thousands), timeouts on connect/headers/body,
 * response bodies always drained and capped, and every failure turned into a typed error value.
 * @module
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import { NetworkError, type OffpathError, TimeoutError } from '../../resilience/errors.js';

let undici: typeof Undici | undefined;

/**
 * undici, loaded when the first network destination is built rather than by `import 'offpath'`: the
 * package loads its fetch, cookie, WebSocket and cache modules with it, the largest part of what
 * importing offpath cost (docs/BENCHMARKS.md, "Import cost"). Loaded synchronously when a sink is
 * built (by `createOffpath()` or `reconfigure()`, with the rest of the set-up), never in the middle of
 * a delivery.
 */
function loadUndici(): typeof Undici {
  undici ??= createRequire(import.meta.url)('undici') as typeof Undici;
  return undici;
}

/** Options of an {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** Sockets kept per origin. @default 2 */
  readonly connections?: number;
  /** Connect timeout. @default 10_000 */
  readonly connectTimeoutMs?: number;
  /** Most bytes of a response body read (the rest is discarded). @default 65_536 */
  readonly maxResponseBytes?: number;
  /** User-Agent header. @default 'offpath (+https://www.npmjs.com/package/offpath)' */
  readonly userAgent?: string;
}

/** A response with its body read as text (capped). */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

/** The outcome of one request: a response, or a network/timeout error as a value. */
export type HttpOutcome =
  | { readonly ok: true; readonly response: HttpResponse }
  | { readonly ok: false; readonly error: OffpathError };

/** A small request function over a private undici Agent. */
export class HttpTransport {
  readonly #agent: Undici.Agent;
  readonly #request: typeof Undici.request;
  readonly #maxResponseBytes: number;
  readonly #userAgent: string;

  constructor(options: HttpTransportOptions = {}) {
    const { Agent, request } = loadUndici();
    this.#request = request;
    this.#agent = new Agent({
      connections: options.connections ?? 2,
      connect: { timeout: options.connectTimeoutMs ?? 10_000 },
      // Per-send deadlines come from the pipeline's abort signal; these are the backstops.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      keepAliveTimeout: 10_000,
    });
    this.#maxResponseBytes = options.maxResponseBytes ?? 65_536;
    this.#userAgent = options.userAgent ?? 'offpath (+https://www.npmjs.com/package/offpath)';
  }

  /** Sends a request; never throws. */
  async send(
    url: string,
    init: {
      method?: string;
      headers?: Record<string, string>;
      body?: string | Uint8Array;
      signal: AbortSignal;
    },
  ): Promise<HttpOutcome> {
    try {
      const res = await this.#request(url, {
        method: (init.method ?? 'POST') as 'POST',
        headers: { 'user-agent': this.#userAgent, ...init.headers },
        body: init.body ?? null,
        signal: init.signal,
        dispatcher: this.#agent,
      });
      const text = await readCapped(res.body, this.#maxResponseBytes);
      return { ok: true, response: { status: res.statusCode, headers: res.headers, text } };
    } catch (error) {
      return { ok: false, error: toTransportError(error, init.signal) };
    }
  }

  /** Closes idle sockets and refuses new requests. */
  async close(): Promise<void> {
    await this.#agent.close().catch(() => this.#agent.destroy());
  }
}

async function readCapped(
  body: AsyncIterable<Uint8Array> & { destroy?: () => void },
  max: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < max) {
      const part = Buffer.from(chunk).subarray(0, max - size);
      chunks.push(part);
      size += part.length;
    }
    // Keep reading past the cap so the socket can be reused; the excess is dropped.
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toTransportError(error: unknown, signal: AbortSignal): OffpathError {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof TimeoutError) return reason;
    return new TimeoutError('request aborted', { cause: reason });
  }
  const code = (error as { code?: unknown }).code;
  if (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return new TimeoutError(`request timed out (${code})`, { cause: error });
  }
  return new NetworkError(`request failed${typeof code === 'string' ? ` (${code})` : ''}`, { cause: error });
}

/** Reads one header as a string. */
export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
