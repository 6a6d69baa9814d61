/**
 * Reading the `X-RateLimit-*` response headers (Discord's names, also used by several HTTP APIs) into
 * the shape {@link RateLimiter.update} takes.
 * @module
 */
import type { RateLimitUpdate } from './rate-limiter.js';
import { secondsToMs } from './retry-after.js';

/** Response headers as fetch `Headers` or as the plain object node:http and `undici.request` return. */
export type HeaderSource =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** What the `X-RateLimit-*` headers of one response said. */
export interface RateLimitHeaders extends RateLimitUpdate {
  /** `X-RateLimit-Global: true`: the limit hit applies to every route, not this bucket alone. */
  readonly global: boolean;
  /** `X-RateLimit-Scope`: `user`, `global` or `shared` (a shared 429 does not count as an invalid request). */
  readonly scope?: string;
  /** `X-RateLimit-Bucket`: an opaque id; destinations with the same bucket share one limit. */
  readonly bucket?: string;
}

/**
 * Reads `X-RateLimit-Limit`, `-Remaining`, `-Reset-After` (float seconds), `-Global`, `-Scope` and
 * `-Bucket`. Missing or malformed values are left out, never guessed.
 * @example
 * const info = readRateLimitHeaders(response.headers);
 * limiter.update(info);
 */
export function readRateLimitHeaders(headers: HeaderSource): RateLimitHeaders {
  const limit = count(header(headers, 'x-ratelimit-limit'));
  const remaining = count(header(headers, 'x-ratelimit-remaining'));
  const resetAfter = header(headers, 'x-ratelimit-reset-after');
  const resetAfterMs = resetAfter === undefined ? undefined : secondsToMs(numeric(resetAfter));
  const scope = header(headers, 'x-ratelimit-scope');
  const bucket = header(headers, 'x-ratelimit-bucket');
  return {
    global: header(headers, 'x-ratelimit-global')?.toLowerCase() === 'true',
    ...(limit === undefined ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
    ...(resetAfterMs === undefined ? {} : { resetAfterMs }),
    ...(scope === undefined ? {} : { scope }),
    ...(bucket === undefined ? {} : { bucket }),
  };
}

/** One header value by case-insensitive name; the first when repeated. */
export function header(headers: HeaderSource, name: string): string | undefined {
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === 'function') {
    const value = (getter as (n: string) => string | null | undefined).call(headers, name);
    return value === null || value === undefined ? undefined : value.trim();
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  const value = key === undefined ? undefined : record[key];
  const first = typeof value === 'string' ? value : value?.[0];
  return first?.trim();
}

function numeric(text: string): number | undefined {
  return /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : undefined;
}

function count(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}
