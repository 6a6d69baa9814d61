/**
 * A retry budget: retries may add at most a fraction of the first attempts, so a destination that always
 * fails sees a bounded trickle of retries instead of a storm.
 * @module
 */
import { type Clock, systemClock } from './clock.js';
import { RollingCounter } from './rolling-counter.js';
import { nonNegative, positive } from './validate.js';

/** Options of {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Retries allowed per first attempt in the window. @default 0.2 */
  readonly ratio?: number;
  /** Length of the sliding window, in ms. @default 10_000 */
  readonly windowMs?: number;
  /** Retries always allowed per window, so a quiet destination can still retry. @default 3 */
  readonly minRetriesPerWindow?: number;
  /** Source of time. @default systemClock */
  readonly clock?: Clock;
}

/**
 * Within any window, retries may not exceed `max(minRetriesPerWindow, ratio × first attempts)`. Share one
 * budget between every caller of one destination. Counting uses ten slices of the window (see
 * {@link RollingCounter}), so memory is constant.
 * @example
 * const budget = new RetryBudget({ ratio: 0.2 });
 * await policy.execute(send, { budget });
 */
export class RetryBudget {
  readonly #ratio: number;
  readonly #minRetries: number;
  readonly #attempts: RollingCounter;
  readonly #retries: RollingCounter;

  constructor(options: RetryBudgetOptions = {}) {
    const { ratio = 0.2, windowMs = 10_000, minRetriesPerWindow = 3, clock = systemClock } = options;
    this.#ratio = nonNegative('RetryBudget', 'ratio', ratio);
    this.#minRetries = nonNegative('RetryBudget', 'minRetriesPerWindow', minRetriesPerWindow);
    positive('RetryBudget', 'windowMs', windowMs);
    this.#attempts = new RollingCounter(clock, windowMs);
    this.#retries = new RollingCounter(clock, windowMs);
  }

  /** Records one first attempt (not a retry). */
  recordAttempt(): void {
    this.#attempts.add();
  }

  /** Takes one retry from the budget when it has room; false means "do not retry". */
  tryAcquireRetry(): boolean {
    if (this.#retries.total() + 1 > this.allowedRetries) return false;
    this.#retries.add();
    return true;
  }

  /** Retries the window allows right now. */
  get allowedRetries(): number {
    return Math.max(this.#minRetries, this.#ratio * this.#attempts.total());
  }

  /** Retries taken in the window. */
  get retriesInWindow(): number {
    return this.#retries.total();
  }
}
