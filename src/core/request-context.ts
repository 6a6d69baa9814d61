/**
 * The request being handled right now, carried through everything asynchronous it starts
 * (AsyncLocalStorage). `serverSource()` enters it when a `node:http` server receives a request;
 * outgoing-call captures, log captures and manual reports made while handling that request then carry
 * its request id and W3C `traceparent`, so an alert about a failed call can be matched with the
 * incoming request that made it.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { formatTraceparent, type TraceParent } from './trace-context.js';

/** The incoming request an event belongs to. */
export interface RequestContext {
  /** The request's id: the caller's `x-request-id` when it sent a usable one, else a generated one. */
  readonly requestId: string;
  /** This request's span, a child of the caller's `traceparent` when it sent one. */
  readonly span: TraceParent;
  /** The caller's span id, when it sent a `traceparent`. */
  readonly parentSpanId?: string;
}

/** Fields added to events made inside a request (names as in logs: `requestId`, `traceparent`, ids in hex). */
export type RequestContextFields = {
  readonly requestId: string;
  readonly traceparent: string;
  readonly trace_id: string;
  readonly span_id: string;
};

const store = new AsyncLocalStorage<RequestContext>();

/** The context of the request being handled, if any. Cheap enough for a capture hook. */
export function currentRequestContext(): RequestContext | undefined {
  return store.getStore();
}

/**
 * Runs `fn` (and everything asynchronous it starts) inside `context`: for work that handles a request
 * without a `node:http` server (a queue consumer, a test).
 * @example
 * runWithRequestContext(requestContextFor(job.headers), () => handle(job));
 */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return store.run(context, fn);
}

/**
 * Makes `context` current for the rest of the synchronous execution and what it starts. Used by
 * `serverSource()` from a diagnostics_channel subscriber, which runs synchronously just before the
 * server's `'request'` listeners, so the whole handling of the request inherits it without patching
 * anything.
 */
export function enterRequestContext(context: RequestContext): void {
  store.enterWith(context);
}

/** The fields an event made inside `context` carries. */
export function requestContextFields(context: RequestContext): RequestContextFields {
  return {
    requestId: context.requestId,
    traceparent: formatTraceparent(context.span),
    trace_id: context.span.traceId,
    span_id: context.span.spanId,
  };
}

/** Adds the current request's fields to `fields` (a new object; `fields` is never changed). */
export function withRequestFields(
  fields: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> | undefined {
  const context = store.getStore();
  if (context === undefined) return fields;
  return { ...requestContextFields(context), ...fields };
}
