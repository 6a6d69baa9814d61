/**
 * A sliding-window log: the exact "at most N in any interval" limit.
 * @module
 */

/** One limit of a rate limiter, driven by the caller's notion of `now`. */
export interface LimitWindow {
  /** Acquisitions allowed per interval. */
  readonly limit: number;
  /** Milliseconds until `cost` acquisitions fit, 0 when they fit now. */
  waitMs(now: number, cost: number): number;
  /** Records `cost` acquisitions at `now`. */
  consume(now: number, cost: number): void;
  /**
   * `cost` acquisitions were answered now. Counting from acquisitions, the newest move to `now` (exact
   * for one request at a time); counting from answers, they enter the window now.
   */
  complete?(now: number, cost: number): void;
  /** Length of the interval, margin included. */
  readonly intervalMs: number;
}

/**
 * Never more than `limit` acquisitions in any interval of `intervalMs`, whatever the arrival pattern.
 *
 * Invariant: the ring holds the times of the most recent acquisitions that are still inside the window,
 * oldest first, and never more than `limit` of them; memory is one `Float64Array(limit)`. Two acquisitions
 * at `a` and `b` share some interval of length `intervalMs` exactly when `|a - b| < intervalMs`, so an
 * entry stops counting once `now - t >= intervalMs`.
 */
export class SlidingWindow implements LimitWindow {
  readonly limit: number;
  readonly intervalMs: number;
  readonly #times: Float64Array;
  readonly #fromAnswers: boolean;
  /** Counting from answers: acquisitions not answered yet. They count, and never expire, until then. */
  #pending = 0;
  #head = 0;
  #size = 0;

  /**
   * @param fromAnswers count each acquisition from its answer ({@link complete}) instead of from the
   * moment it was taken; exact with any number of requests in flight, since a server counts a request
   * no later than it answers it. Every acquisition must then be completed.
   */
  constructor(limit: number, intervalMs: number, fromAnswers = false) {
    this.limit = limit;
    this.intervalMs = intervalMs;
    this.#times = new Float64Array(limit);
    this.#fromAnswers = fromAnswers;
  }

  waitMs(now: number, cost: number): number {
    this.#prune(now);
    const excess = this.#size + this.#pending + cost - this.limit;
    if (excess <= 0) return 0;
    // Only answers can make room: ask again after a full interval at most (an answer comes sooner).
    if (excess > this.#size) return Math.ceil(this.intervalMs);
    // The `excess`-th oldest entry has to leave the window before `cost` more fit.
    const t = this.#at(excess - 1);
    return Math.ceil(t + this.intervalMs - now);
  }

  consume(now: number, cost: number): void {
    if (this.#fromAnswers) this.#pending += cost;
    else this.#record(now, cost);
  }

  complete(now: number, cost: number): void {
    if (this.#fromAnswers) {
      const answered = Math.min(cost, this.#pending);
      this.#pending -= answered;
      this.#record(now, answered);
      return;
    }
    // Only the newest entries move, and only later, so the ring stays sorted oldest first.
    for (let i = Math.max(0, this.#size - cost); i < this.#size; i++) {
      const slot = (this.#head + i) % this.limit;
      this.#times[slot] = Math.max(this.#times[slot] ?? 0, now);
    }
  }

  #record(now: number, cost: number): void {
    this.#prune(now);
    for (let i = 0; i < cost; i++) {
      if (this.#size === this.limit) this.#dropOldest();
      this.#times[(this.#head + this.#size) % this.limit] = now;
      this.#size++;
    }
  }

  #at(index: number): number {
    return this.#times[(this.#head + index) % this.limit] ?? 0;
  }

  #dropOldest(): void {
    this.#head = (this.#head + 1) % this.limit;
    this.#size--;
  }

  #prune(now: number): void {
    while (this.#size > 0 && now - this.#at(0) >= this.intervalMs) this.#dropOldest();
    // If the clock stepped backwards, entries would sit in the future and block for longer than one
    // interval; pinning them to `now` keeps the guarantee on the new timeline and bounds the wait.
    if (this.#size > 0 && this.#at(this.#size - 1) > now) {
      for (let i = 0; i < this.#size; i++) {
        const slot = (this.#head + i) % this.limit;
        if ((this.#times[slot] ?? 0) > now) this.#times[slot] = now;
      }
    }
  }
}
