/**
 * Captures Node's global fetch and the undici package through diagnostics_channel: nothing is patched,
 * no stream is touched. Node 20's fetch streams request bodies (an async generator) and publishes no
 * response-body channel, so bodies are captured only for undici calls given a string or Buffer body.
 * @module
 */
import diagnostics from 'node:diagnostics_channel';
import { currentRequestContext } from '../core/request-context.js';
import type { Source } from '../core/source.js';
import { isSuppressed } from '../core/suppress.js';
import { CaptureFilter, type CaptureOptions } from './capture-filter.js';
import { guardSubscriber } from './guard-subscriber.js';
import { httpEvent, pairsFromFlat, type TrackedRequest } from './http-event.js';
import { PendingRequests } from './pending-requests.js';

interface UndiciRequest {
  readonly origin?: unknown;
  readonly method?: unknown;
  readonly path?: unknown;
  readonly headers?: unknown;
  readonly body?: unknown;
}

/** A capture source with a view of its bookkeeping, for tests and health checks. */
export interface HttpCaptureSource extends Source {
  /** Requests followed right now (0 when idle: nothing leaks). */
  pendingCount(): number;
  /** Requests forgotten because too many were pending at once. */
  overflowCount(): number;
}

/**
 * @example
 * offpath.attach(fetchSource({ exclude: ['https://telemetry.internal/**'], slowMs: 1_000 }));
 */
export function fetchSource(options: CaptureOptions = {}): HttpCaptureSource {
  const filter = new CaptureFilter(options);
  const pending = new PendingRequests<object, TrackedRequest>(options.maxPending);
  return {
    name: 'fetch',
    pendingCount: () => pending.size,
    overflowCount: () => pending.overflow,
    attach(emit, report) {
      const guard = guardSubscriber(options.onError, report);
      const onCreate = guard<{ request: UndiciRequest }>(({ request }) => {
        // offpath's own deliveries run in the suppressed scope: never capture them again.
        if (isSuppressed()) return;
        const method = String(request.method ?? 'GET');
        const url = `${String(request.origin ?? '')}${String(request.path ?? '')}`;
        if (!filter.wantsRequest(method, url)) return;
        const body =
          typeof request.body === 'string' || Buffer.isBuffer(request.body) ? request.body : undefined;
        pending.set(request, {
          started: performance.now(),
          method,
          url,
          headers: () => pairsFromFlat(request.headers),
          body,
          // The create channel runs in the caller's context; the later channels run in the socket's.
          context: currentRequestContext(),
        });
      });
      const onHeaders = guard<{ request: object; response: { statusCode?: unknown; headers?: unknown } }>(
        ({ request, response }) => {
          const tracked = pending.take(request);
          if (!tracked) return;
          const event = httpEvent(filter, 'fetch', tracked, {
            status: Number(response.statusCode),
            headers: () => pairsFromFlat(response.headers),
          });
          if (event) emit(event);
        },
      );
      const onError = guard<{
        request: object;
        error: { code?: unknown; message?: unknown; name?: unknown };
      }>(({ request, error }) => {
        const tracked = pending.take(request);
        if (!tracked) return;
        const code =
          typeof error.code === 'string'
            ? error.code
            : typeof error.name === 'string'
              ? error.name
              : undefined;
        const event = httpEvent(filter, 'fetch', tracked, {
          error: { ...(code ? { code } : {}), message: String(error.message ?? 'request failed') },
        });
        if (event) emit(event);
      });
      diagnostics.subscribe('undici:request:create', onCreate);
      diagnostics.subscribe('undici:request:headers', onHeaders);
      diagnostics.subscribe('undici:request:error', onError);
      return () => {
        diagnostics.unsubscribe('undici:request:create', onCreate);
        diagnostics.unsubscribe('undici:request:headers', onHeaders);
        diagnostics.unsubscribe('undici:request:error', onError);
        pending.clear();
      };
    },
  };
}
