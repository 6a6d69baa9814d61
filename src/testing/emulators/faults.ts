/**
 * Scriptable, deterministic faults shared by every emulator: latency, failures, connection resets, hangs,
 * injected 429 bursts and "do this after N requests" (used to delete a webhook or revoke a bot mid-run).
 * @module
 */
import { createSeededRandom, type RandomSource } from './seeded-random.js';

/** What happened to a request because of a fault (recorded on the request). */
export type FaultKind = 'hang' | 'reset' | 'fail' | 'random-fail' | 'rate-limit';

/** The fault chosen for one request. */
export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'fail' | 'random-fail'; readonly status: number }
  | { readonly kind: 'rate-limit'; readonly retryAfterSec: number };

/** Options of {@link FaultController.setFailureRate}. */
export interface FailureRateOptions {
  /** Status answered by the failing requests. @default 503 */
  readonly status?: number;
  /** Reseeds the generator so the failing requests are the same on every run. @default the emulator's seed */
  readonly seed?: number;
}

/**
 * Shares of requests that fail in each way, drawn once per request from the seeded generator (so the
 * shares are exact in proportion and the same on every run). They add up to at most 1.
 */
export interface FaultMix {
  /** Share answered with an error status. @default 0 */
  readonly fail?: number;
  /** Status of those answers. @default 503 */
  readonly failStatus?: number;
  /** Share whose connection is reset without an answer. @default 0 */
  readonly reset?: number;
  /** Share answered 429 in the platform's own format. @default 0 */
  readonly rateLimit?: number;
  /** The wait those 429s ask for. @default 1 */
  readonly retryAfterSec?: number;
}

interface Scheduled {
  remaining: number;
  readonly action: () => void;
}

/**
 * Controls the faults of one emulator. Queued faults apply to the next requests in this order: `hang`,
 * `hangNext`, `resetNext`, `rateLimitNext`, `failNext`, then the random fault mix (or failure rate).
 * Latency applies to every answered request.
 * @example
 * emulator.faults.failNext(2, 502); // the next two requests get 502
 * emulator.faults.latencyMs = 250;   // every answer is delayed 250 ms on the emulator's clock
 */
export class FaultController {
  /** Delay before every answer, on the emulator's clock. @default 0 */
  latencyMs = 0;
  /** When true, every request is accepted and never answered (until set back to false). @default false */
  hang = false;

  readonly #seed: number;
  #random: RandomSource;
  #failures: number[] = [];
  #resets = 0;
  #hangs = 0;
  #rateLimits: number[] = [];
  #mix: Required<FaultMix> = NO_FAULTS;
  #scheduled: Scheduled[] = [];

  /** @param seed seed of the failure-rate generator @default 1 */
  constructor(seed = 1) {
    this.#seed = seed;
    this.#random = createSeededRandom(seed);
  }

  /** The next `n` requests are answered `status` (platform-formatted body). */
  failNext(n: number, status = 503): void {
    checkCount(n);
    if (!Number.isInteger(status) || status < 100 || status > 599)
      throw new TypeError(`bad status ${status}`);
    for (let i = 0; i < n; i++) this.#failures.push(status);
  }

  /** Each request fails with probability `rate` (0..1), drawn from a seeded generator. */
  setFailureRate(rate: number, options: FailureRateOptions = {}): void {
    if (!(rate >= 0 && rate <= 1)) throw new TypeError(`failure rate must be within 0..1, got ${rate}`);
    this.setFaultMix({ fail: rate, failStatus: options.status ?? 503 }, options);
  }

  /**
   * Each request meets one of several faults, with the given shares: for example 20 % answered 503,
   * 5 % reset and 5 % answered 429 with `Retry-After: 1` (`{ fail: 0.2, reset: 0.05, rateLimit: 0.05 }`).
   * Replaces an earlier mix or failure rate; queued faults still come first.
   */
  setFaultMix(mix: FaultMix, options: { readonly seed?: number } = {}): void {
    const m = { ...NO_FAULTS, ...mix };
    for (const key of ['fail', 'reset', 'rateLimit'] as const) {
      if (!(m[key] >= 0 && m[key] <= 1)) throw new TypeError(`${key} must be within 0..1, got ${m[key]}`);
    }
    if (m.fail + m.reset + m.rateLimit > 1)
      throw new TypeError('the shares of a fault mix add up to more than 1');
    if (!Number.isInteger(m.failStatus) || m.failStatus < 100 || m.failStatus > 599)
      throw new TypeError(`bad status ${m.failStatus}`);
    if (!(m.retryAfterSec >= 0)) throw new TypeError(`retryAfterSec must be >= 0, got ${m.retryAfterSec}`);
    this.#mix = m;
    this.#random = createSeededRandom(options.seed ?? this.#seed);
  }

  /** The next `n` requests have their connection reset without an answer. */
  resetNext(n: number): void {
    checkCount(n);
    this.#resets += n;
  }

  /** The next `n` requests are accepted and never answered (the socket stays open until close()). */
  hangNext(n: number): void {
    checkCount(n);
    this.#hangs += n;
  }

  /** The next `n` requests get a 429 in the platform's own format, asking to wait `retryAfterSec`. */
  rateLimitNext(n: number, retryAfterSec = 1): void {
    checkCount(n);
    if (!(retryAfterSec >= 0)) throw new TypeError(`retryAfterSec must be >= 0, got ${retryAfterSec}`);
    for (let i = 0; i < n; i++) this.#rateLimits.push(retryAfterSec);
  }

  /** Runs `action` once `n` more requests have been handled (at once when `n` is 0). */
  afterRequests(n: number, action: () => void): void {
    checkCount(n);
    if (n === 0) action();
    else this.#scheduled.push({ remaining: n, action });
  }

  /** Removes every queued fault, the failure rate, the latency and the hang flag. */
  clear(): void {
    this.latencyMs = 0;
    this.hang = false;
    this.#failures = [];
    this.#resets = 0;
    this.#hangs = 0;
    this.#rateLimits = [];
    this.#mix = NO_FAULTS;
    this.#scheduled = [];
    this.#random = createSeededRandom(this.#seed);
  }

  /** Picks (and consumes) the fault of the next request. Called by the emulator server. */
  decide(): FaultDecision {
    if (this.hang) return { kind: 'hang' };
    if (this.#hangs > 0) {
      this.#hangs--;
      return { kind: 'hang' };
    }
    if (this.#resets > 0) {
      this.#resets--;
      return { kind: 'reset' };
    }
    const retryAfterSec = this.#rateLimits.shift();
    if (retryAfterSec !== undefined) return { kind: 'rate-limit', retryAfterSec };
    const status = this.#failures.shift();
    if (status !== undefined) return { kind: 'fail', status };
    const { fail, reset, rateLimit } = this.#mix;
    if (fail + reset + rateLimit === 0) return { kind: 'none' };
    const draw = this.#random();
    if (draw < fail) return { kind: 'random-fail', status: this.#mix.failStatus };
    if (draw < fail + reset) return { kind: 'reset' };
    if (draw < fail + reset + rateLimit)
      return { kind: 'rate-limit', retryAfterSec: this.#mix.retryAfterSec };
    return { kind: 'none' };
  }

  /** Counts one handled request and runs the actions that fall due. Called by the emulator server. */
  requestHandled(): void {
    const due = this.#scheduled.filter((s) => --s.remaining <= 0);
    if (due.length === 0) return;
    this.#scheduled = this.#scheduled.filter((s) => s.remaining > 0);
    for (const s of due) s.action();
  }
}

const NO_FAULTS: Required<FaultMix> = Object.freeze({
  fail: 0,
  failStatus: 503,
  reset: 0,
  rateLimit: 0,
  retryAfterSec: 1,
});

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`count must be a non-negative integer, got ${n}`);
}
