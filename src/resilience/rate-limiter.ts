/**
 * Proactive pacing for one destination: several limits at once, corrected live by the server's headers,
 * and paused as a whole by Retry-After.
 * @module
 */
import { type Clock, sleep, systemClock } from './clock.js';
import type { ResilienceEvents } from './resilience-events.js';
import { type LimitWindow, SlidingWindow } from './sliding-window.js';
import { TokenBucket } from './token-bucket.js';
import type { TypedEmitter } from './typed-emitter.js';

/** One limit: at most `limit` acquisitions per `intervalMs`. */
export interface RateLimit {
  /** Acquisitions allowed per interval; a positive integer. */
  readonly limit: number;
  /** Length of the interval in milliseconds; positive. */
  readonly intervalMs: number;
  /**
   * `sliding-window` guarantees at most `limit` in ANY interval of `intervalMs` (it keeps the times of the
   * last `limit` acquisitions). `token-bucket` refills continuously with capacity `limit` (a burst of
   * `limit`, then a steady rate).
   * @default 'sliding-window'
   */
  readonly kind?: 'sliding-window' | 'token-bucket';
}

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /**
   * The limits to respect, all at once (for example 5 per 2 s AND 30 per 60 s). May be empty: the
   * limiter then only applies Retry-After pauses and the server's own window.
   */
  readonly limits: readonly RateLimit[];
  /** Source of time. @default systemClock */
  readonly clock?: Clock;
  /**
   * Extra milliseconds added to every interval, to server resets and to pauses, absorbing clock skew and
   * network jitter between us and the remote server.
   * @default 0
   */
  readonly marginMs?: number;
  /**
   * Count sliding windows from answers: each {@link RateLimiter.tryAcquire} counts as in flight until
   * its {@link RateLimiter.complete}, then from that moment. Exact with any number of requests in
   * flight (the server counted each request no later than its answer); every acquisition must then be
   * completed. @default false (count from acquisitions; `complete()` moves the newest)
   */
  readonly countFromAnswers?: boolean;
  /** Where {@link RateLimiter.execute} and {@link RateLimiter.pauseFor} publish `rate-limited` events. @default undefined */
  readonly events?: TypedEmitter<ResilienceEvents>;
  /** The destination's name, put in published events as `destination`. @default undefined */
  readonly destination?: string;
}

/** A correction read from a response (Discord's `X-RateLimit-*` headers, for example). */
export interface RateLimitUpdate {
  /** Requests left before the server's window resets. */
  readonly remaining?: number;
  /** Milliseconds until the server's window resets. */
  readonly resetAfterMs?: number;
  /** Size of the server's window. Recorded in {@link RateLimiter.serverLimit}; it does not change pacing. */
  readonly limit?: number;
}

/**
 * Answers "may I send now, and if not, how long until I may?" for one destination. It never sleeps
 * (except in the standalone {@link execute}); it throws only on invalid options or an invalid `cost`,
 * both programming errors.
 *
 * The wait is the longest of: a Retry-After pause, the server's own window when it said nothing is left,
 * and each configured limit. Server headers can only make us slower than our own limits, never faster.
 * @example
 * const limiter = new RateLimiter({ limits: [{ limit: 5, intervalMs: 2000 }, { limit: 30, intervalMs: 60_000 }] });
 * const wait = limiter.tryAcquire();
 * if (wait === 0) await send();
 * else setTimeout(tryAgain, wait);
 */
export class RateLimiter {
  readonly #windows: readonly LimitWindow[];
  readonly #clock: Clock;
  readonly #marginMs: number;
  readonly #maxCost: number;
  readonly #events: TypedEmitter<ResilienceEvents> | undefined;
  readonly #destination: string | undefined;
  #pausedUntil = Number.NEGATIVE_INFINITY;
  #server: { remaining: number; resetAt: number } | undefined;
  #serverLimit: number | undefined;

  constructor(options: RateLimiterOptions) {
    const {
      limits,
      clock = systemClock,
      marginMs = 0,
      events,
      destination,
      countFromAnswers = false,
    } = options;
    if (!Array.isArray(limits))
      throw new TypeError('RateLimiter: `limits` must be an array of { limit, intervalMs }');
    if (!(Number.isFinite(marginMs) && marginMs >= 0)) {
      throw new TypeError(`RateLimiter: \`marginMs\` must be a finite number >= 0, got ${marginMs}`);
    }
    this.#windows = limits.map((rule, i) => createWindow(rule, i, marginMs, countFromAnswers));
    this.#maxCost = Math.min(Number.POSITIVE_INFINITY, ...limits.map((l) => l.limit));
    this.#clock = clock;
    this.#marginMs = marginMs;
    this.#events = events;
    this.#destination = destination;
  }

  /** 0 when `cost` acquisitions may happen now, else the milliseconds to wait. Consumes nothing. */
  waitMs(cost = 1): number {
    this.#checkCost(cost);
    const now = this.#clock.now();
    let wait = 0;
    if (this.#pausedUntil > now) wait = this.#pausedUntil - now;
    const server = this.#activeServer(now);
    if (server !== undefined && server.remaining < cost) wait = Math.max(wait, server.resetAt - now);
    for (const w of this.#windows) wait = Math.max(wait, w.waitMs(now, cost));
    return Math.ceil(wait);
  }

  /** Consumes `cost` and returns 0 when it fits now; otherwise consumes nothing and returns the wait. */
  tryAcquire(cost = 1): number {
    const wait = this.waitMs(cost);
    if (wait > 0) return wait;
    const now = this.#clock.now();
    for (const w of this.#windows) w.consume(now, cost);
    if (this.#server !== undefined) this.#server.remaining -= cost;
    return 0;
  }

  /**
   * Applies what the server said about its window. `remaining: 0` with `resetAfterMs: N` blocks for N ms
   * (plus `marginMs`); `remaining > 0` lets that many through before the reset, but only as far as our own
   * limits allow. Without `resetAfterMs` the server's count cannot be timed and is ignored.
   */
  update(info: RateLimitUpdate): void {
    if (isCount(info.limit) && info.limit > 0) this.#serverLimit = info.limit;
    const { remaining, resetAfterMs } = info;
    if (!isCount(remaining) || resetAfterMs === undefined) return;
    if (!(Number.isFinite(resetAfterMs) && resetAfterMs >= 0)) return;
    this.#server = {
      remaining: Math.floor(remaining),
      resetAt: this.#clock.now() + resetAfterMs + this.#marginMs,
    };
  }

  /**
   * Marks the most recent `cost` acquisitions as answered now. The server counted the request when it
   * arrived, no later than its answer, so counting our sliding windows from the answer can never
   * overrun the server's window, whatever the network latency. With several requests in flight the
   * most recent acquisitions are moved, which is exact for one request at a time and conservative
   * for the newest of several.
   */
  complete(cost = 1): void {
    const now = this.#clock.now();
    for (const w of this.#windows) w.complete?.(now, cost);
  }

  /** The sustained rate the tightest limit allows, in acquisitions per ms; undefined without limits. */
  ratePerMs(): number | undefined {
    let rate: number | undefined;
    for (const w of this.#windows) rate = Math.min(rate ?? Number.POSITIVE_INFINITY, w.limit / w.intervalMs);
    return rate;
  }

  /** Pauses the whole limiter for `ms` (plus `marginMs`), as a Retry-After asks. A longer pause wins. */
  pauseFor(ms: number): void {
    if (!(ms > 0)) return;
    const until = this.#clock.now() + ms + this.#marginMs;
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    if (this.#events?.hasListeners('rate-limited')) {
      this.#events.emit('rate-limited', {
        destination: this.#destination,
        waitMs: ms,
        source: 'retry-after',
      });
    }
  }

  /** Ends a pause set by {@link pauseFor} and forgets what the server said about its window. */
  resume(): void {
    this.#pausedUntil = Number.NEGATIVE_INFINITY;
    this.#server = undefined;
  }

  /** Epoch ms at which the current pause ends, or 0 when the limiter is not paused. */
  get pausedUntil(): number {
    return this.#pausedUntil > this.#clock.now() ? this.#pausedUntil : 0;
  }

  /** The window size the server last reported, if any. */
  get serverLimit(): number | undefined {
    return this.#serverLimit;
  }

  /**
   * Standalone use: waits (on the limiter's clock) until `cost` fits, acquires it, then runs `fn`.
   * Rejects with the signal's reason when aborted while waiting.
   * @example
   * await limiter.execute(() => fetch(url, { method: 'POST', body }));
   */
  async execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal, cost = 1): Promise<T> {
    for (let wait = this.tryAcquire(cost); wait > 0; wait = this.tryAcquire(cost)) {
      if (this.#events?.hasListeners('rate-limited')) {
        this.#events.emit('rate-limited', {
          destination: this.#destination,
          waitMs: wait,
          source: 'proactive',
        });
      }
      await sleep(this.#clock, wait, signal);
    }
    signal?.throwIfAborted();
    return fn(signal ?? new AbortController().signal);
  }

  #activeServer(now: number): { remaining: number; resetAt: number } | undefined {
    if (this.#server !== undefined && now >= this.#server.resetAt) this.#server = undefined;
    return this.#server;
  }

  #checkCost(cost: number): void {
    if (!Number.isInteger(cost) || cost < 1 || cost > this.#maxCost) {
      throw new RangeError(`RateLimiter: cost must be an integer from 1 to ${this.#maxCost}, got ${cost}`);
    }
  }
}

function createWindow(rule: RateLimit, index: number, marginMs: number, fromAnswers: boolean): LimitWindow {
  const { limit, intervalMs, kind = 'sliding-window' } = rule ?? ({} as RateLimit);
  if (!(Number.isInteger(limit) && limit > 0)) {
    throw new TypeError(`RateLimiter: limits[${index}].limit must be a positive integer, got ${limit}`);
  }
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
    throw new TypeError(
      `RateLimiter: limits[${index}].intervalMs must be a positive number, got ${intervalMs}`,
    );
  }
  switch (kind) {
    case 'sliding-window':
      return new SlidingWindow(limit, intervalMs + marginMs, fromAnswers);
    case 'token-bucket':
      return new TokenBucket(limit, intervalMs + marginMs);
    default:
      throw new TypeError(
        `RateLimiter: limits[${index}].kind must be 'sliding-window' or 'token-bucket', got ${String(kind)}`,
      );
  }
}

function isCount(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
