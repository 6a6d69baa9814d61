/**
 * Captures the requests a `node:http(s)` server receives (express, fastify, koa and anything else on
 * Node's server), through diagnostics_channel: `http.server.request.start` and
 * `http.server.response.finish`. Failing (5xx) and slow requests become events. Each request also
 * becomes the current {@link RequestContext} while it is handled, so outgoing calls, logs and reports
 * made for it carry its request id and `traceparent`.
 *
 * Observe only: nothing is patched, no header is added, no body is read, no `'error'` listener is
 * added. The one listener added is a `'close'` listener on kept requests' responses, which changes
 * nothing and releases requests the client abandoned.
 * @module
 */
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { OffpathEvent } from '../core/event.js';
import { randomHex } from '../core/random-id.js';
import { enterRequestContext, type RequestContext, requestContextFields } from '../core/request-context.js';
import { childSpan, parseTraceparent } from '../core/trace-context.js';
import { CaptureFilter, type CaptureOptions } from './capture-filter.js';
import type { HttpCaptureSource } from './fetch-source.js';
import { guardSubscriber } from './guard-subscriber.js';
import { pairsFromFlat } from './http-event.js';
import { PendingRequests } from './pending-requests.js';

/** Options of {@link serverSource}. */
export interface ServerCaptureOptions
  extends Omit<CaptureOptions, 'captureBodies' | 'networkErrors' | 'maxBodyBytes'> {
  /** Responses kept by status: classes ('5xx') or codes. @default ['5xx'] */
  readonly status?: ReadonlyArray<string | number>;
  /**
   * Make each request the current request context while it is handled, so that events made for it
   * carry `requestId` and `traceparent`.
   * @default true
   */
  readonly context?: boolean;
  /** Incoming header whose value (1-128 of `A-Z a-z 0-9 . _ : -`) is taken as the request id. @default 'x-request-id' */
  readonly requestIdHeader?: string;
}

interface Tracked {
  readonly started: number;
  readonly method: string;
  readonly url: string;
  readonly request: IncomingMessage;
  readonly context: RequestContext | undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * @example
 * offpath.attach(serverSource({ slowMs: 1_000, exclude: ['**\/healthz'] }));
 */
export function serverSource(options: ServerCaptureOptions = {}): HttpCaptureSource {
  const filter = new CaptureFilter({ ...options, status: options.status ?? ['5xx'] });
  const pending = new PendingRequests<ServerResponse, Tracked>(options.maxPending);
  const idHeader = (options.requestIdHeader ?? 'x-request-id').toLowerCase();
  const withContext = options.context ?? true;
  return {
    name: 'server',
    pendingCount: () => pending.size,
    overflowCount: () => pending.overflow,
    attach(emit, report) {
      const guard = guardSubscriber(options.onError, report);
      const finish = (response: ServerResponse, aborted: boolean): void => {
        const tracked = pending.take(response);
        if (!tracked) return;
        const durationMs = performance.now() - tracked.started;
        const status = response.statusCode;
        // An abandoned request says something about the server only when it was slow.
        const wanted = aborted ? durationMs >= filter.slowMs : filter.wantsResponse(status, durationMs);
        if (wanted) emit(serverEvent(filter, tracked, response, durationMs, aborted));
      };
      const onStart = guard<{ request: IncomingMessage; response: ServerResponse }>(
        ({ request, response }) => {
          const context = withContext ? contextOf(request, idHeader) : undefined;
          // Runs synchronously just before the server's 'request' listeners: they and everything they
          // start inherit the context.
          if (context) enterRequestContext(context);
          const method = request.method ?? 'GET';
          const url = urlOf(request);
          if (!filter.wantsRequest(method, url)) return;
          pending.set(response, { started: performance.now(), method, url, request, context });
          response.once('close', () => finish(response, true));
        },
      );
      const onFinish = guard<{ response: ServerResponse }>(({ response }) => finish(response, false));
      diagnostics.subscribe('http.server.request.start', onStart);
      diagnostics.subscribe('http.server.response.finish', onFinish);
      return () => {
        diagnostics.unsubscribe('http.server.request.start', onStart);
        diagnostics.unsubscribe('http.server.response.finish', onFinish);
        pending.clear();
      };
    },
  };
}

function contextOf(request: IncomingMessage, idHeader: string): RequestContext {
  const parent = parseTraceparent(request.headers['traceparent']);
  const given = request.headers[idHeader];
  const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomHex(8);
  return { requestId, span: childSpan(parent), ...(parent ? { parentSpanId: parent.spanId } : {}) };
}

function urlOf(request: IncomingMessage): string {
  const encrypted = (request.socket as TLSSocket | undefined)?.encrypted === true;
  return `${encrypted ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`;
}

function serverEvent(
  filter: CaptureFilter,
  tracked: Tracked,
  response: ServerResponse,
  durationMs: number,
  aborted: boolean,
): OffpathEvent {
  const withHeaders = filter.options.headers ?? true;
  const request = {
    method: tracked.method,
    url: tracked.url,
    ...(withHeaders ? { headers: pairsFromFlat(tracked.request.rawHeaders) } : {}),
  };
  const fields = tracked.context ? { fields: requestContextFields(tracked.context) } : {};
  if (aborted) {
    return {
      level: 'warn',
      kind: 'http',
      title: `Slow request abandoned by the client: ${tracked.method} ${tracked.request.url ?? '/'}`,
      tags: ['server'],
      ...fields,
      http: {
        request,
        error: {
          code: 'ECONNRESET',
          message: 'the client closed the connection before the response was complete',
        },
      },
    };
  }
  return {
    level: filter.levelOf(response.statusCode, durationMs),
    kind: 'http',
    tags: ['server'],
    ...fields,
    http: {
      request,
      response: {
        status: response.statusCode,
        durationMs,
        ...(withHeaders ? { headers: headerPairs(response) } : {}),
      },
    },
  };
}

function headerPairs(response: ServerResponse): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(response.getHeaders())) {
    if (Array.isArray(value)) for (const v of value) out.push([name, String(v)]);
    else if (value !== undefined) out.push([name, String(value)]);
  }
  return out;
}
