/**
 * pino runs offpath's transport in a worker thread, where the request being handled cannot be seen.
 * This mixin runs on the thread that logs: it adds the current request's id and `traceparent` to
 * each log object, and offpath's pino source then keeps them as fields.
 * @module
 */
import { currentRequestContext, requestContextFields } from '../../core/request-context.js';

const NONE = Object.freeze({});

/**
 * A pino `mixin`: `{ requestId, traceparent, trace_id, span_id }` inside a request, `{}` outside.
 * @example
 * const logger = pino({ mixin: requestContextMixin }, pino.transport({ target: 'offpath/pino-transport' }));
 */
export function requestContextMixin(): Readonly<Record<string, string>> {
  const context = currentRequestContext();
  return context === undefined ? NONE : { ...requestContextFields(context) };
}
