/**
 * A continuously refilling token bucket.
 * @module
 */
import type { LimitWindow } from './sliding-window.js';

// Refills are computed in floating point; a bucket that is short by less than this is treated as full
// enough, so a caller who waited exactly the advertised time is never told to wait again for 0 ms.
const EPSILON = 1e-9;

/**
 * Capacity `limit`, refilled at `limit / intervalMs` tokens per millisecond. Allows a burst of `limit`
 * and then a steady rate, so any interval of `intervalMs` may see up to `2 × limit` acquisitions: use a
 * sliding window where the remote side counts strictly per interval.
 */
export class TokenBucket implements LimitWindow {
  readonly limit: number;
  readonly intervalMs: number;
  #tokens: number;
  #last: number | undefined;

  constructor(limit: number, intervalMs: number) {
    this.limit = limit;
    this.intervalMs = intervalMs;
    this.#tokens = limit;
  }

  waitMs(now: number, cost: number): number {
    this.#refill(now);
    const deficit = cost - this.#tokens;
    if (deficit <= EPSILON) return 0;
    return Math.ceil((deficit * this.intervalMs) / this.limit);
  }

  consume(now: number, cost: number): void {
    this.#refill(now);
    this.#tokens = Math.max(0, this.#tokens - cost);
  }

  #refill(now: number): void {
    // A clock that steps backwards only moves the reference point; it never mints or burns tokens.
    if (this.#last !== undefined && now > this.#last) {
      this.#tokens = Math.min(this.limit, this.#tokens + ((now - this.#last) * this.limit) / this.intervalMs);
    }
    this.#last = now;
  }
}
