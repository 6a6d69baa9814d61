/**
 * Maps a generic HTTP response to a {@link SendResult}. Platform sinks refine this with their own
 * error codes and bodies.
 * @module
 */
import type { SendResult } from '../../core/sink.js';
import {
  AuthenticationError,
  BadRequestError,
  DestinationGoneError,
  RateLimitedError,
  ServerError,
} from '../../resilience/errors.js';
import { parseRetryAfterHeader } from '../../resilience/retry-after.js';
import { type HttpResponse, header } from './transport.js';

const RETRYABLE = new Set([408, 425, 500, 502, 503, 504]);

/** Generic classification: 2xx ok; 429/408/425/5xx retryable; 401/403/410 gone; other 4xx permanent. */
export function classifyResponse(response: HttpResponse, now: number): SendResult {
  const { status } = response;
  const requestId = header(response, 'x-request-id');
  if (status >= 200 && status < 300) return { ok: true };
  const retryAfterMs = parseRetryAfterHeader(header(response, 'retry-after'), now);
  const detail = `HTTP ${status}${response.text ? `: ${response.text.slice(0, 200)}` : ''}`;
  if (status === 429) {
    return {
      ok: false,
      kind: 'retryable',
      error: new RateLimitedError(detail, { statusCode: status, retryAfterMs, requestId }),
      retryAfterMs,
    };
  }
  if (status >= 500 || RETRYABLE.has(status)) {
    return {
      ok: false,
      kind: 'retryable',
      error: new ServerError(detail, { statusCode: status, retryAfterMs, requestId }),
      retryAfterMs,
    };
  }
  if (status === 401 || status === 403) {
    return {
      ok: false,
      kind: 'gone',
      error: new AuthenticationError(detail, { statusCode: status, requestId }),
    };
  }
  if (status === 410) {
    return {
      ok: false,
      kind: 'gone',
      error: new DestinationGoneError(detail, { statusCode: status, requestId }),
    };
  }
  return {
    ok: false,
    kind: 'permanent',
    error: new BadRequestError(detail, { statusCode: status, requestId }),
  };
}
