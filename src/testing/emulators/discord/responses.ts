/**
 * Discord's answers: JSON error bodies, rate-limit headers and 429 bodies in v6 (milliseconds) or v8+
 * (seconds) units.
 * @module
 */
import { createHash } from 'node:crypto';
import type { RateDecision } from '../rate-windows.js';
import type { EmulatorResponse } from '../server.js';
import type { FormErrors } from './form-errors.js';

/** Which API semantics a path asked for. */
export interface ApiVersion {
  /** The version number (6 when the path has none, like URLs copied from Discord's UI). */
  readonly version: number;
  /** v6/v7: `retry_after` in milliseconds and old-format errors allowed. */
  readonly legacy: boolean;
}

/**
 * The bucket id: a hash of the route without its top-level resource (webhook id/token), so every webhook
 * reports the same bucket string, as observed in discord/discord-api-docs#6753.
 */
export function bucketHash(method: string): string {
  return createHash('sha1').update(`${method} /webhooks/:id/:token`).digest('hex').slice(0, 32);
}

/** `X-RateLimit-*` headers of a bucket state. */
export function rateHeaders(decision: RateDecision, bucket: string, now: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(Math.max(0, decision.remaining)),
    'X-RateLimit-Reset': (decision.resetAt / 1000).toFixed(3),
    'X-RateLimit-Reset-After': (Math.max(0, decision.resetAt - now) / 1000).toFixed(3),
    'X-RateLimit-Bucket': bucket,
  };
}

/** A plain `{ message, code }` error. */
export function errorResponse(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return { status, headers, body: { message, code } };
}

/** A 50035 answer in the format of the path's version. */
export function formErrorResponse(
  errors: FormErrors,
  version: ApiVersion,
  legacyFormat: 'flat' | 'nested',
  headers: Record<string, string>,
): EmulatorResponse {
  const body = version.legacy && legacyFormat === 'flat' ? errors.toFlat() : errors.toNested();
  return { status: 400, headers, body };
}

/** Settings of one 429. */
export interface RateLimitedInit {
  readonly version: ApiVersion;
  readonly retryAfterMs: number;
  readonly scope: 'user' | 'shared' | 'global';
  /** Per-route headers (absent on global 429s, as in Discord's example). */
  readonly headers?: Record<string, string>;
  readonly legacyHeader: 'seconds' | 'milliseconds';
}

/**
 * A 429: `Retry-After` header as whole seconds rounded up (Discord's example: 65 for 64.57), body
 * `retry_after` in float seconds on v8+ or whole milliseconds on v6/v7.
 */
export function rateLimitedResponse(init: RateLimitedInit): EmulatorResponse {
  const ms = Math.max(0, init.retryAfterMs);
  const global = init.scope === 'global';
  const headerValue =
    init.version.legacy && init.legacyHeader === 'milliseconds' ? Math.ceil(ms) : Math.ceil(ms / 1000);
  const headers: Record<string, string> = {
    ...init.headers,
    'Retry-After': String(headerValue),
    'X-RateLimit-Scope': init.scope,
  };
  if (global) headers['X-RateLimit-Global'] = 'true';
  const message =
    init.scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.';
  const retryAfter = init.version.legacy ? Math.ceil(ms) : Math.round(ms) / 1000;
  return { status: 429, headers, body: { message, retry_after: retryAfter, global } };
}
