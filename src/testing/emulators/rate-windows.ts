/**
 * The three window shapes the emulators need, all driven by an explicit `now` so a ManualClock makes them
 * deterministic: fixed windows (Discord buckets), sliding windows (Telegram group/bot limits) and token
 * buckets (per-chat and per-webhook "1 per second with short bursts").
 * @module
 */

/** The answer of a window to one request. */
export interface RateDecision {
  /** True when the request fits and was counted. */
  readonly allowed: boolean;
  /** Size of the window (requests). */
  readonly limit: number;
  /** Requests left after this one. */
  readonly remaining: number;
  /** Epoch ms when the window is whole again. */
  readonly resetAt: number;
  /** Milliseconds until this request could be allowed (0 when allowed). */
  readonly retryAfterMs: number;
}

/** A rate window: `take` counts a request when it fits, `peek` reports without counting. */
export interface RateWindow {
  take(now: number): RateDecision;
  peek(now: number): RateDecision;
}

/**
 * `limit` requests per window; the window opens at the first request after the previous one ended, the way
 * Discord's buckets behave (reset = first request + window).
 */
export class FixedWindow implements RateWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  #count = 0;
  #resetAt = 0;

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  take(now: number): RateDecision {
    this.#roll(now);
    if (this.#count >= this.#limit) return this.#decision(false, now);
    if (this.#count === 0) this.#resetAt = now + this.#windowMs;
    this.#count++;
    return this.#decision(true, now);
  }

  peek(now: number): RateDecision {
    this.#roll(now);
    return this.#decision(this.#count < this.#limit, now);
  }

  #roll(now: number): void {
    if (this.#count > 0 && now >= this.#resetAt) this.#count = 0;
  }

  #decision(allowed: boolean, now: number): RateDecision {
    const resetAt = this.#count === 0 ? now + this.#windowMs : this.#resetAt;
    return {
      allowed,
      limit: this.#limit,
      remaining: this.#limit - this.#count,
      resetAt,
      retryAfterMs: allowed ? 0 : resetAt - now,
    };
  }
}

/** At most `limit` requests in any `windowMs` period (a rolling log of accepted requests). */
export class SlidingWindow implements RateWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  #times: number[] = [];

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  take(now: number): RateDecision {
    const decision = this.peek(now);
    if (decision.allowed) this.#times.push(now);
    return decision.allowed ? { ...decision, remaining: decision.remaining - 1 } : decision;
  }

  peek(now: number): RateDecision {
    this.#times = this.#times.filter((t) => t > now - this.#windowMs);
    const oldest = this.#times[0];
    const allowed = this.#times.length < this.#limit;
    const resetAt = oldest === undefined ? now : oldest + this.#windowMs;
    return {
      allowed,
      limit: this.#limit,
      remaining: this.#limit - this.#times.length,
      resetAt,
      retryAfterMs: allowed ? 0 : resetAt - now,
    };
  }
}

/** One token every `refillMs`, holding at most `capacity` tokens (the burst); starts full. */
export class TokenBucket implements RateWindow {
  readonly #capacity: number;
  readonly #refillMs: number;
  #tokens: number;
  #last: number | undefined;

  constructor(capacity: number, refillMs: number) {
    this.#capacity = capacity;
    this.#refillMs = refillMs;
    this.#tokens = capacity;
  }

  take(now: number): RateDecision {
    const decision = this.peek(now);
    if (!decision.allowed) return decision;
    this.#tokens -= 1;
    return { ...this.#decision(now), allowed: true, retryAfterMs: 0 };
  }

  peek(now: number): RateDecision {
    if (this.#last !== undefined && now > this.#last) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) / this.#refillMs);
    }
    this.#last = now;
    return this.#decision(now);
  }

  #decision(now: number): RateDecision {
    const allowed = this.#tokens >= 1;
    return {
      allowed,
      limit: this.#capacity,
      remaining: Math.floor(this.#tokens),
      resetAt: now + (this.#capacity - this.#tokens) * this.#refillMs,
      retryAfterMs: allowed ? 0 : (1 - this.#tokens) * this.#refillMs,
    };
  }
}

/** Lazily creates one window per key (per webhook, per chat, per IP). */
export class KeyedWindows<W extends RateWindow = RateWindow> {
  readonly #create: () => W;
  readonly #windows = new Map<string, W>();

  constructor(create: () => W) {
    this.#create = create;
  }

  /** The window of `key`, created on first use. */
  get(key: string): W {
    let w = this.#windows.get(key);
    if (!w) {
      w = this.#create();
      this.#windows.set(key, w);
    }
    return w;
  }

  /** Forgets every window (used by `reset()`). */
  clear(): void {
    this.#windows.clear();
  }
}
