/**
 * Options, defaults and presets of {@link RetryPolicy}.
 * @module
 */
import type { Jitter } from './backoff.js';
import { type Clock, systemClock } from './clock.js';
import type { ResilienceEvents } from './resilience-events.js';
import type { TypedEmitter } from './typed-emitter.js';
import { nonNegative, positive, positiveInteger } from './validate.js';

/** HTTP statuses worth retrying: timeouts, too early, rate limits and transient server failures. */
export const DEFAULT_RETRYABLE_STATUS_CODES: readonly number[] = Object.freeze([
  408, 425, 429, 500, 502, 503, 504,
]);

/**
 * Error codes of transient network failures, from Node's sockets and DNS and from undici.
 * `ENOTFOUND` is included because resolvers fail transiently during outages; a permanent typo in a host
 * name is caught by config validation, not by retries.
 */
export const DEFAULT_RETRYABLE_ERROR_CODES: readonly string[] = Object.freeze([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Options of {@link RetryPolicy}. */
export interface RetryPolicyOptions {
  /** Attempts in all, counting the first one; 1 means no retry. @default 3 */
  readonly maxAttempts?: number;
  /** Delay before the first retry, in ms. @default 1000 */
  readonly initialDelayMs?: number;
  /** Ceiling of every backoff delay, in ms. @default 30_000 */
  readonly maxDelayMs?: number;
  /** Growth factor of the delay per attempt. @default 2 */
  readonly multiplier?: number;
  /** How delays are randomised: a mode, or a factor for ±that share (see {@link Jitter}). @default 'full' */
  readonly jitter?: Jitter;
  /** Statuses {@link RetryPolicy.isRetryableStatus} accepts. @default [408, 425, 429, 500, 502, 503, 504] */
  readonly retryableStatusCodes?: readonly number[];
  /** Error `code`s (on the error or its causes) that are retried. @default DEFAULT_RETRYABLE_ERROR_CODES */
  readonly retryableErrorCodes?: readonly string[];
  /** Each attempt is aborted with a TimeoutError after this many ms. @default undefined (no limit) */
  readonly attemptTimeoutMs?: number;
  /** The whole execution, retries and waits included, ends after this many ms. @default undefined (no limit) */
  readonly deadlineMs?: number;
  /**
   * The longest server-requested wait (an error's `retryAfterMs`) honoured before a retry; longer
   * requests are capped to it.
   * @default 120_000
   */
  readonly maxRetryAfterMs?: number;
  /** Uniform random numbers in [0, 1), for jitter. @default Math.random */
  readonly random?: () => number;
  /** Source of time and timers. @default systemClock */
  readonly clock?: Clock;
  /** Where attempts, failures and retries are published. @default undefined */
  readonly events?: TypedEmitter<ResilienceEvents>;
  /** The destination's name, put in published events as `destination`. @default undefined */
  readonly destination?: string;
}

/** Ready-made option sets. */
export const retryPresets = {
  /** 3 attempts, 1 s initial delay. */
  defaults: { maxAttempts: 3, initialDelayMs: 1000 },
  /** 5 attempts, 500 ms initial delay. */
  aggressive: { maxAttempts: 5, initialDelayMs: 500 },
  /** A single attempt. */
  noRetry: { maxAttempts: 1, initialDelayMs: 0 },
  /** 10 attempts, 1 s initial delay: rides out a flaky destination (a destination's default). */
  persistent: { maxAttempts: 10, initialDelayMs: 1000 },
} as const satisfies Record<string, Partial<RetryPolicyOptions>>;

type OptionalKeys = 'attemptTimeoutMs' | 'deadlineMs' | 'events' | 'destination';

/** Options with every default applied. */
export type ResolvedRetryOptions = Readonly<Required<Omit<RetryPolicyOptions, OptionalKeys>>> &
  Pick<RetryPolicyOptions, OptionalKeys>;

const OWNER = 'RetryPolicy';

/** Merges `options` over the defaults once and validates them; throws a TypeError naming a bad field. */
export function resolveRetryPolicyOptions(options: RetryPolicyOptions): ResolvedRetryOptions {
  const o: ResolvedRetryOptions = {
    maxAttempts: options.maxAttempts ?? 3,
    initialDelayMs: options.initialDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    multiplier: options.multiplier ?? 2,
    jitter: options.jitter ?? 'full',
    retryableStatusCodes: options.retryableStatusCodes ?? DEFAULT_RETRYABLE_STATUS_CODES,
    retryableErrorCodes: options.retryableErrorCodes ?? DEFAULT_RETRYABLE_ERROR_CODES,
    attemptTimeoutMs: options.attemptTimeoutMs,
    deadlineMs: options.deadlineMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
    random: options.random ?? Math.random,
    clock: options.clock ?? systemClock,
    events: options.events,
    destination: options.destination,
  };
  positiveInteger(OWNER, 'maxAttempts', o.maxAttempts);
  nonNegative(OWNER, 'initialDelayMs', o.initialDelayMs);
  nonNegative(OWNER, 'maxDelayMs', o.maxDelayMs);
  positive(OWNER, 'maxRetryAfterMs', o.maxRetryAfterMs);
  if (o.attemptTimeoutMs !== undefined) positive(OWNER, 'attemptTimeoutMs', o.attemptTimeoutMs);
  if (o.deadlineMs !== undefined) positive(OWNER, 'deadlineMs', o.deadlineMs);
  if (!(o.multiplier >= 1 && Number.isFinite(o.multiplier))) {
    throw new TypeError(`${OWNER}: \`multiplier\` must be a number >= 1, got ${o.multiplier}`);
  }
  const factor = typeof o.jitter === 'number' && o.jitter >= 0 && o.jitter <= 1;
  if (!factor && !['none', 'full', 'decorrelated'].includes(o.jitter as string)) {
    throw new TypeError(
      `${OWNER}: \`jitter\` must be 'none', 'full', 'decorrelated' or a factor from 0 to 1, got ${String(o.jitter)}`,
    );
  }
  return o;
}
