/**
 * Retrying transient failures: which failures are worth retrying, how long to wait between attempts, and
 * a standalone `execute` that honours timeouts, a deadline, Retry-After and a retry budget.
 * @module
 */
import { backoffDelayMs } from './backoff.js';
import { sleep } from './clock.js';
import { isOffpathError, TimeoutError } from './errors.js';
import type { RetryBudget } from './retry-budget.js';
import {
  type ResolvedRetryOptions,
  type RetryPolicyOptions,
  resolveRetryPolicyOptions,
} from './retry-policy-options.js';
import { withTimeout } from './timeout.js';

export type { Jitter } from './backoff.js';
export {
  DEFAULT_RETRYABLE_ERROR_CODES,
  DEFAULT_RETRYABLE_STATUS_CODES,
  type ResolvedRetryOptions,
  type RetryPolicyOptions,
  retryPresets,
} from './retry-policy-options.js';

/** What each attempt of {@link RetryPolicy.execute} receives. */
export interface AttemptContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborted by the attempt timeout, the deadline or the caller's signal. */
  readonly signal: AbortSignal;
}

/** Per-call options of {@link RetryPolicy.execute}. */
export interface RetryExecuteOptions {
  /** Aborts the current attempt and any wait; `execute` then rejects with its reason. @default undefined */
  readonly signal?: AbortSignal;
  /** Shared budget that can veto retries. @default undefined (no budget) */
  readonly budget?: RetryBudget;
  /**
   * The id of the request this call serves, put in every event the call publishes as `requestId`, so
   * a metrics stream can follow one request through its attempts. @default undefined
   */
  readonly requestId?: string;
}

// Causes are followed this deep at most, which also ends cycles (an error that is its own cause).
const MAX_CAUSE_DEPTH = 8;

/**
 * A retry policy. It decides and computes; only the standalone {@link execute} sleeps.
 * @example
 * const policy = new RetryPolicy({ ...retryPresets.aggressive, attemptTimeoutMs: 15_000 });
 * const res = await policy.execute(({ signal }) => fetch(url, { method: 'POST', body, signal }));
 */
export class RetryPolicy {
  readonly #o: ResolvedRetryOptions;
  readonly #statuses: ReadonlySet<number>;
  readonly #codes: ReadonlySet<string>;

  constructor(options: RetryPolicyOptions = {}) {
    this.#o = resolveRetryPolicyOptions(options);
    this.#statuses = new Set(this.#o.retryableStatusCodes);
    this.#codes = new Set(this.#o.retryableErrorCodes);
  }

  /** The options in effect, every default applied. */
  get options(): ResolvedRetryOptions {
    return this.#o;
  }

  /** Attempts in all, the first included. */
  get maxAttempts(): number {
    return this.#o.maxAttempts;
  }

  /**
   * The delay before retry number `attempt` (1 for the first retry), jittered as configured.
   * `previousDelayMs` feeds decorrelated jitter.
   */
  delayFor(attempt: number, previousDelayMs?: number): number {
    return backoffDelayMs(attempt, previousDelayMs, this.#o);
  }

  /** True when an HTTP status is worth retrying. */
  isRetryableStatus(code: number): boolean {
    return this.#statuses.has(code);
  }

  /**
   * True when an error is worth retrying: an offpath error says so itself (`isRetryable`); otherwise a
   * retryable network `code` on the error, its `cause` chain or an AggregateError's members, or a
   * retryable `status`/`statusCode` on the error.
   */
  isRetryable(error: unknown): boolean {
    const status = numericField(error, 'statusCode') ?? numericField(error, 'status');
    if (!isOffpathError(error) && status !== undefined && this.isRetryableStatus(status)) return true;
    return this.#hasRetryableCause(error, 0);
  }

  /**
   * Standalone use: runs `fn` until it succeeds, fails with a non-retryable error, runs out of attempts,
   * of deadline or of budget; then rejects with the last error. Waits honour an error's `retryAfterMs`
   * (capped at `maxRetryAfterMs`) when it is longer than the backoff.
   */
  async execute<T>(fn: (ctx: AttemptContext) => Promise<T>, options: RetryExecuteOptions = {}): Promise<T> {
    const { signal, budget, requestId } = options;
    const { clock, events, destination, attemptTimeoutMs, deadlineMs } = this.#o;
    const deadlineAt = deadlineMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + deadlineMs;
    budget?.recordAttempt();
    let previousDelay: number | undefined;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const startedAt = clock.now();
      const timeoutMs = Math.min(deadlineAt - startedAt, attemptTimeoutMs ?? Number.POSITIVE_INFINITY);
      // A late timer can wake us after the deadline even though the wait was planned to fit before it.
      if (timeoutMs <= 0) throw new TimeoutError(`deadline of ${deadlineMs} ms exceeded`);
      const byDeadline = deadlineAt - startedAt === timeoutMs;
      if (events?.hasListeners('request-start'))
        events.emit('request-start', { destination, requestId, attempt });
      try {
        const result = await withTimeout((s) => fn({ attempt, signal: s }), timeoutMs, {
          clock,
          signal,
          message: byDeadline
            ? `deadline of ${deadlineMs} ms exceeded`
            : `attempt timed out after ${attemptTimeoutMs} ms`,
        });
        if (events?.hasListeners('request-success')) {
          events.emit('request-success', {
            destination,
            requestId,
            attempt,
            latencyMs: clock.now() - startedAt,
          });
        }
        return result;
      } catch (error) {
        if (events?.hasListeners('request-failure')) {
          events.emit('request-failure', {
            destination,
            requestId,
            attempt,
            latencyMs: clock.now() - startedAt,
            error,
          });
        }
        if (signal?.aborted || attempt >= this.#o.maxAttempts || !this.isRetryable(error)) throw error;
        const { delayMs, askedByServer } = this.#nextDelay(error, attempt, previousDelay);
        if (clock.now() + delayMs >= deadlineAt) throw error;
        if (budget !== undefined && !budget.tryAcquireRetry()) throw error;
        if (askedByServer && events?.hasListeners('rate-limited')) {
          events.emit('rate-limited', { destination, requestId, waitMs: delayMs, source: 'retry-after' });
        }
        if (events?.hasListeners('retry')) {
          events.emit('retry', { destination, requestId, attempt, delayMs, error });
        }
        await sleep(clock, delayMs, signal);
        previousDelay = delayMs;
      }
    }
  }

  /** The backoff delay, or the server's requested wait (capped) when that is longer. */
  #nextDelay(
    error: unknown,
    attempt: number,
    previousDelay: number | undefined,
  ): { delayMs: number; askedByServer: boolean } {
    const backoff = this.delayFor(attempt, previousDelay);
    const asked = isOffpathError(error) ? error.retryAfterMs : undefined;
    if (asked === undefined || !(asked > backoff)) return { delayMs: backoff, askedByServer: false };
    return { delayMs: Math.max(backoff, Math.min(asked, this.#o.maxRetryAfterMs)), askedByServer: true };
  }

  #hasRetryableCause(error: unknown, depth: number): boolean {
    if (depth > MAX_CAUSE_DEPTH || typeof error !== 'object' || error === null) return false;
    if (isOffpathError(error)) return error.isRetryable;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && this.#codes.has(code)) return true;
    const members = (error as { errors?: unknown }).errors;
    if (Array.isArray(members) && members.some((e) => this.#hasRetryableCause(e, depth + 1))) return true;
    return this.#hasRetryableCause((error as { cause?: unknown }).cause, depth + 1);
  }
}

function numericField(value: unknown, key: 'status' | 'statusCode'): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const n = (value as Record<string, unknown>)[key];
  return typeof n === 'number' ? n : undefined;
}
