/**
 * Keeps the dead-letter table within its bounds. Letters older than the TTL, and past the size cap
 * the oldest ones, are evicted: soon after start, after every commit that took the table over its
 * cap, and on a timer for the TTL. Evictions are counted here (this run) and in the file (all time).
 * They are not ledger outcomes: a dead letter was counted once, as dead-lettered, when it failed;
 * evicting the stored copy later changes what can be replayed, not what happened to the event.
 * @module
 */
import type { Clock, TimerHandle } from '../resilience/clock.js';
import type {
  DeadLetterBounds,
  DeadLetterEviction,
  DeadLetterTable,
  EvictedDeadLetters,
} from './dead-letter-table.js';

/** The dead-letter figures of `stats().spool`. */
export interface DeadLetterStats {
  /** Letters stored in the file. */
  readonly stored: number;
  /** Their bytes (records and error texts), counted against `deadLetters.maxBytes`. */
  readonly bytes: number;
  /** Letters this run evicted, by reason: `expired` (older than `ttlMs`), `full` (over `maxBytes`). */
  readonly evicted: Readonly<Record<DeadLetterEviction, number>>;
}

/** How often the TTL is applied when nothing else triggers a sweep (at most the TTL itself). */
const SWEEP_INTERVAL_MS = 60_000;

export class DeadLetterSweeper {
  readonly #table: DeadLetterTable;
  readonly #bounds: DeadLetterBounds;
  readonly #clock: Clock;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #evicted: Record<DeadLetterEviction, number> = { expired: 0, full: 0 };
  #listener: ((evicted: EvictedDeadLetters) => void) | undefined;
  #timer: TimerHandle | undefined;
  #stopped = false;

  /** Schedules the first sweep on the next timer turn, so listeners attached now hear about it. */
  constructor(
    table: DeadLetterTable,
    bounds: DeadLetterBounds,
    deps: { clock: Clock; onError?: ((error: unknown) => void) | undefined },
  ) {
    this.#table = table;
    this.#bounds = bounds;
    this.#clock = deps.clock;
    this.#onError = deps.onError;
    this.#schedule(0);
  }

  /** Receives every eviction, one call per destination and reason. */
  onEvicted(listener: (evicted: EvictedDeadLetters) => void): void {
    this.#listener = listener;
  }

  /** Called after each commit: letters written may have taken the table over its cap. */
  afterWrite(): void {
    if (this.#table.bytes > this.#bounds.maxBytes) this.sweep();
  }

  /** Applies the TTL and the size cap now. Never throws: a failure goes to `onError`. */
  sweep(): void {
    if (this.#stopped) return;
    let evicted: EvictedDeadLetters[];
    try {
      evicted = this.#table.evict(this.#clock.now(), this.#bounds);
    } catch (error) {
      this.#onError?.(error);
      return;
    }
    for (const e of evicted) {
      this.#evicted[e.reason] += e.count;
      try {
        this.#listener?.(e);
      } catch (error) {
        this.#onError?.(error);
      }
    }
  }

  stats(): DeadLetterStats {
    return { stored: this.#table.count, bytes: this.#table.bytes, evicted: { ...this.#evicted } };
  }

  /** Cancels the timer; later calls do nothing. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.sweep();
      if (!this.#stopped) this.#schedule(Math.min(SWEEP_INTERVAL_MS, this.#bounds.ttlMs));
    }, ms);
  }
}
