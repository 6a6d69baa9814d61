/**
 * Captures node:http and node:https clients through diagnostics_channel (`http.client.request.start`,
 * `http.client.response.finish`, `http.client.request.error`). Nothing is patched; no 'error' listener
 * is added (that would stop a crash the app expects). A request whose response is never read is
 * released when the request closes. Bodies are not captured: reading them would consume the app's
 * streams.
 * @module
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { currentRequestContext } from '../core/request-context.js';
import { isSuppressed } from '../core/suppress.js';
import { CaptureFilter, type CaptureOptions } from './capture-filter.js';
import type { HttpCaptureSource } from './fetch-source.js';
import { guardSubscriber } from './guard-subscriber.js';
import { httpEvent, pairsFromFlat, type TrackedRequest } from './http-event.js';
import { PendingRequests } from './pending-requests.js';

/**
 * @example
 * offpath.attach(httpSource({ include: ['https://api.partner.com/**'] }));
 */
export function httpSource(options: CaptureOptions = {}): HttpCaptureSource {
  const filter = new CaptureFilter(options);
  const pending = new PendingRequests<ClientRequest, TrackedRequest>(options.maxPending);
  return {
    name: 'http',
    pendingCount: () => pending.size,
    overflowCount: () => pending.overflow,
    attach(emit, report) {
      const guard = guardSubscriber(options.onError, report);
      const finish = (request: ClientRequest, outcome: Parameters<typeof httpEvent>[3]): void => {
        const tracked = pending.take(request);
        if (!tracked) return;
        const event = httpEvent(filter, 'http', tracked, outcome);
        if (event) emit(event);
      };
      const onStart = guard<{ request: ClientRequest }>(({ request }) => {
        if (isSuppressed()) return;
        const method = request.method ?? 'GET';
        // The Host header carries the port; `request.host` does not.
        const host = request.getHeader('host') ?? request.host ?? 'localhost';
        const url = `${request.protocol ?? 'http:'}//${String(host)}${request.path ?? '/'}`;
        if (!filter.wantsRequest(method, url)) return;
        // Read when the request is kept (the client keeps its outgoing headers after sending them).
        const headers = (): Array<[string, string]> =>
          request.getRawHeaderNames().map((name) => [name, String(request.getHeader(name))]);
        pending.set(request, {
          started: performance.now(),
          method,
          url,
          headers,
          context: currentRequestContext(),
        });
        // A 'close' listener observes without changing behaviour: it releases requests whose response
        // is never read to the end, and catches failures on Node versions without the error channel.
        request.once('close', () => {
          if (!pending.get(request)) return;
          const res = (request as ClientRequest & { res?: IncomingMessage }).res;
          if (res?.statusCode)
            finish(request, { status: res.statusCode, headers: () => pairsFromFlat(res.rawHeaders) });
          else
            finish(request, { error: { code: 'ECONNABORTED', message: 'request closed before a response' } });
        });
      });
      const onFinish = guard<{ request: ClientRequest; response: IncomingMessage }>(
        ({ request, response }) => {
          finish(request, {
            status: response.statusCode ?? 0,
            headers: () => pairsFromFlat(response.rawHeaders),
          });
        },
      );
      const onError = guard<{ request: ClientRequest; error: { code?: unknown; message?: unknown } }>(
        ({ request, error }) => {
          const code = typeof error.code === 'string' ? error.code : undefined;
          finish(request, {
            error: { ...(code ? { code } : {}), message: String(error.message ?? 'request failed') },
          });
        },
      );
      diagnostics.subscribe('http.client.request.start', onStart);
      diagnostics.subscribe('http.client.response.finish', onFinish);
      diagnostics.subscribe('http.client.request.error', onError);
      return () => {
        diagnostics.unsubscribe('http.client.request.start', onStart);
        diagnostics.unsubscribe('http.client.response.finish', onFinish);
        diagnostics.unsubscribe('http.client.request.error', onError);
        pending.clear();
      };
    },
  };
}
