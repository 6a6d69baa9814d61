/**
 * What a lane asks when several processes share one destination: may I send now (rate limits and a
 * Retry-After pause shared by all), may I send at all (one circuit, one half-open probe, one "gone"
 * flag), and is this event the first of its kind or a repeat for a shared digest.
 *
 * Every implementation answers off the request path: the lane calls these, `emit()` never does. The
 * in-process implementations (`local-*.ts`) answer at once; the Redis ones (`redis/`) take one round
 * trip per decision and fall back to the local ones while Redis is unreachable (`failover-*.ts`).
 * @module
 */
import type { Level } from '../core/level.js';
import type { CircuitGate, CircuitState } from '../resilience/circuit-breaker.js';
import type { RateLimitUpdate } from '../resilience/rate-limiter.js';

/** One platform limit as shared state: `limit` sends per `intervalMs`, counted against `scope`. */
export interface SharedWindow {
  readonly limit: number;
  readonly intervalMs: number;
  /** @default 'sliding-window' */
  readonly kind?: 'sliding-window' | 'token-bucket';
  /**
   * What the platform counts this limit against (a webhook, a channel, a chat, a bot). Destinations
   * whose windows name the same scope share one window, in this process and, with Redis, in all of them.
   * Never holds a secret: tokens and webhook URLs are hashed before they get here.
   */
  readonly scope: string;
}

/** Everything the limiter of one destination enforces. */
export interface LimiterPlan {
  /** Identity of the destination: the Retry-After pause and the server's own window are kept under it. */
  readonly key: string;
  readonly windows: readonly SharedWindow[];
  /** Extra ms on every interval, reset and pause (clock skew and jitter). @default 0 */
  readonly marginMs?: number;
}

/** Rate limits of one destination, shared by every process that sends to it. */
export interface SharedLimiter {
  /**
   * One atomic decision: 0 when `cost` sends may go now (they are then counted for every process),
   * else the milliseconds to wait (nothing consumed). Answers at once when it decides alone (local
   * limits, Redis away); a promise when the decision takes a round trip. Never rejects.
   */
  acquire(cost?: number): number | Promise<number>;
  /**
   * The send just acquired was answered now: the windows count it from here, and what the server's
   * headers said (remaining, reset) corrects the shared window. Applied with the next decision or on
   * the next turn of the event loop, whichever comes first.
   */
  complete(update?: RateLimitUpdate): void;
  /** A Retry-After: every process pauses this destination for `ms`. */
  pauseFor(ms: number): void;
  /** The sustained rate of the tightest window, in sends per ms (undefined without windows). */
  ratePerMs(): number | undefined;
}

/** A destination's shared circuit, with the outcome a lane reports after a send. */
export interface SharedBreaker {
  /** The state as this process last learned it. */
  readonly state: CircuitState;
  /**
   * May a send go? Answers at once from what this process knows (closed, open, or the local breaker
   * while Redis is away); a promise only in half-open, where exactly one process in the whole group
   * holds the probe lease at a time and the others are refused until its verdict. Never rejects.
   */
  acquire(): CircuitGate | Promise<CircuitGate>;
  /** Milliseconds until {@link acquire} could allow a send (0: now, or ask), taking nothing. */
  waitMs(): number;
  /** The send succeeded; `probe` as granted by {@link acquire}. */
  onSuccess(probe: boolean): void;
  /** The send failed; `probe` as granted by {@link acquire}. */
  onFailure(probe: boolean): void;
  /** A granted probe did not happen after all: the lease goes back at once. */
  releaseProbe(): void;
  /**
   * The destination told us it no longer exists (deleted webhook, revoked token): every process
   * disables it. `reason` is an error code and a short text, never a URL or a token.
   */
  markGone(reason: string): void;
  /** Why the destination was disabled, in this process or another; undefined while it is usable. */
  readonly gone: string | undefined;
  /** Clears the gone flag everywhere (`enable(name)`) and closes the circuit. */
  reset(): void;
  /** Calls `listener` when the circuit or the gone flag changes, whoever changed it. */
  subscribe(listener: () => void): () => void;
}

/** How many repeats of one fingerprint were merged, and when. */
export interface NoiseTally {
  readonly count: number;
  /** Epoch ms of the first and last merged repeat. */
  readonly firstTime: number;
  readonly lastTime: number;
  /** The highest level among the merged repeats. */
  readonly level: Level;
}

/** The answer to "is this the first of its kind?" for one fingerprint. */
export type NoiseClaim =
  /** This process sends the first occurrence and owns the window: it closes it and sends the digest. */
  | { readonly owner: true; readonly until: number }
  /** Another process (or this one earlier) owns the open window: merge the occurrence into it. */
  | { readonly owner: false; readonly until: number };

/** Cooldown windows per fingerprint, shared by every process of a destination. */
export interface SharedNoise {
  /**
   * Claims the first occurrence of each fingerprint for `cooldownMs` from `now`: one answer per
   * fingerprint, in order. Resolves (never rejects).
   */
  claim(fingerprints: readonly string[], cooldownMs: number, now: number): Promise<readonly NoiseClaim[]>;
  /**
   * Adds repeats merged in this process to the open window of `fingerprint`. Resolves false when that
   * window has already closed (its digest is gone): the caller then reports them itself.
   */
  contribute(fingerprint: string, tally: NoiseTally): Promise<boolean>;
  /**
   * The owner closes its window and takes the repeats every process contributed (undefined when
   * there were none). Contributions arriving after this find the window closed.
   */
  close(fingerprint: string): Promise<NoiseTally | undefined>;
}
