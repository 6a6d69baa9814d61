/**
 * Bot API answers: `{ ok: true, result }` and `{ ok, error_code, description, parameters? }` with the keys in
 * the order the real server writes them.
 * @module
 */
import type { EmulatorResponse } from '../server.js';

/** Error parameters the Bot API may attach. */
export interface ErrorParameters {
  readonly migrate_to_chat_id?: number;
  readonly retry_after?: number;
}

/** A success answer. */
export function ok(result: unknown): EmulatorResponse {
  return { status: 200, body: { ok: true, result } };
}

/** An error answer; the HTTP status equals `error_code`, as on the real server. */
export function fail(
  code: number,
  description: string,
  parameters?: ErrorParameters,
  headers?: Record<string, string>,
): EmulatorResponse {
  const body = parameters
    ? { ok: false, error_code: code, description, parameters }
    : { ok: false, error_code: code, description };
  return { status: code, body, ...(headers ? { headers } : {}) };
}

/** A 400 with the `Bad Request: ` prefix. */
export function badRequest(message: string, parameters?: ErrorParameters): EmulatorResponse {
  return fail(400, `Bad Request: ${message}`, parameters);
}

/** A 429: whole seconds (at least 1) in the description, `parameters.retry_after` and `Retry-After`. */
export function tooManyRequests(retryAfterMs: number): EmulatorResponse {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return fail(
    429,
    `Too Many Requests: retry after ${seconds}`,
    { retry_after: seconds },
    { 'Retry-After': String(seconds) },
  );
}
