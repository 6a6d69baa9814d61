/**
 * Turns what a source saw of one request into an event, shared by the fetch, node:http and axios
 * sources so that captures look the same whatever the client.
 * @module
 */
import type { HeadersInput, OffpathEvent } from '../core/event.js';
import { type RequestContext, requestContextFields } from '../core/request-context.js';
import type { CaptureFilter } from './capture-filter.js';

/**
 * Headers, or a function that reads them: most requests are not captured, so sources read headers
 * only once the filter has kept the request.
 */
export type LazyHeaders = HeadersInput | (() => HeadersInput | undefined) | undefined;

/** What a source knows about a request it follows. */
export interface TrackedRequest {
  /** performance.now() at the start. */
  readonly started: number;
  readonly method: string;
  readonly url: string;
  readonly headers?: LazyHeaders;
  readonly body?: unknown;
  /** The incoming request being handled when this call started (see `serverSource()`). */
  readonly context?: RequestContext | undefined;
}

/** How the request ended. */
export type RequestOutcome =
  | { readonly status: number; readonly headers?: LazyHeaders; readonly body?: unknown }
  | { readonly error: { readonly code?: string; readonly message: string } };

function read(headers: LazyHeaders): HeadersInput | undefined {
  return typeof headers === 'function' ? headers() : headers;
}

/** The event for a finished request, or undefined when the filter does not want it. */
export function httpEvent(
  filter: CaptureFilter,
  source: string,
  tracked: TrackedRequest,
  outcome: RequestOutcome,
): OffpathEvent | undefined {
  const durationMs = performance.now() - tracked.started;
  // Decide first: everything below allocates, and most requests are not kept.
  if ('error' in outcome ? !filter.wantsNetworkErrors : !filter.wantsResponse(outcome.status, durationMs)) {
    return undefined;
  }
  const withHeaders = filter.options.headers ?? true;
  const withBodies = filter.options.captureBodies ?? true;
  const requestHeaders = withHeaders ? read(tracked.headers) : undefined;
  const request = {
    method: tracked.method,
    url: tracked.url,
    ...(requestHeaders !== undefined ? { headers: requestHeaders } : {}),
    ...(withBodies && tracked.body !== undefined ? { body: tracked.body } : {}),
  };
  const fields = tracked.context ? { fields: requestContextFields(tracked.context) } : {};
  if ('error' in outcome) {
    return {
      level: 'error',
      kind: 'http',
      tags: [source],
      ...fields,
      http: { request, error: outcome.error, response: undefined, maxBodyBytes: filter.maxBodyBytes },
    };
  }
  const responseHeaders = withHeaders ? read(outcome.headers) : undefined;
  return {
    level: filter.levelOf(outcome.status, durationMs),
    kind: 'http',
    tags: [source],
    ...fields,
    http: {
      request,
      maxBodyBytes: filter.maxBodyBytes,
      response: {
        status: outcome.status,
        durationMs,
        ...(responseHeaders !== undefined ? { headers: responseHeaders } : {}),
        ...(withBodies && outcome.body !== undefined ? { body: outcome.body } : {}),
      },
    },
  };
}

/** Reads a flat [name, value, name, value] list whose items may be Buffers (undici). */
export function pairsFromFlat(flat: unknown): Array<[string, string]> | undefined {
  if (!Array.isArray(flat)) return undefined;
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), String(flat[i + 1])]);
  return out;
}
