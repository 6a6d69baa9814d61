/**
 * Maps a generic HTTP response to a {@link SendResult}, and the rule every sink ends with: a failure
 * status the platform has no rule of its own for is retried when the destination's
 * `retryableStatusCodes` say so, and dead-lettered otherwise.
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

/** Decides whether a failure status is worth retrying. */
export type RetryableStatus = (status: number) => boolean;

/** The sink option shared by every HTTP-based destination. */
export interface StatusRetryOptions {
  /**
   * Failure statuses worth retrying; the platform's own rules come first (a 429 always pauses for its
   * Retry-After, a deleted Discord webhook is gone whatever its status).
   * @default 408, 425 and every 5xx
   */
  readonly retryableStatusCodes?: readonly number[] | undefined;
}

/**
 * The retry rule for statuses: exactly `codes` when given, else 408, 425 and every 5xx. A 429 is not
 * decided here: it always pauses the destination for its Retry-After (a platform fact, not a failure).
 */
export function retryableStatus(codes?: readonly number[]): RetryableStatus {
  if (codes === undefined) return (status) => status >= 500 || status === 408 || status === 425;
  const set = new Set(codes);
  return (status) => set.has(status);
}

/** A failure answer outside the platform's own rules: retryable or permanent by `retryable`. */
export function statusFailure(
  status: number,
  detail: string,
  retryable: RetryableStatus,
  extra: { readonly retryAfterMs?: number | undefined; readonly requestId?: string | undefined } = {},
): SendResult {
  if (retryable(status)) {
    const error = new ServerError(detail, { statusCode: status, ...extra });
    return extra.retryAfterMs === undefined
      ? { ok: false, kind: 'retryable', error }
      : { ok: false, kind: 'retryable', error, retryAfterMs: extra.retryAfterMs };
  }
  const options = { statusCode: status, requestId: extra.requestId };
  const error = status >= 500 ? new ServerError(detail, options) : new BadRequestError(detail, options);
  return { ok: false, kind: 'permanent', error };
}

/**
 * Generic classification: 2xx ok; 429 rate limited; then the statuses `retryable` accepts (by default
 * 408, 425 and 5xx) are retried; 401/403/410 are gone; the rest are permanent.
 */
export function classifyResponse(
  response: HttpResponse,
  now: number,
  retryable: RetryableStatus = retryableStatus(),
): SendResult {
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
  // A generic collector has no platform facts: a status the user listed is retried, even 401/403/410.
  if (retryable(status)) return statusFailure(status, detail, retryable, { retryAfterMs, requestId });
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
  return statusFailure(status, detail, retryable, { retryAfterMs, requestId });
}
