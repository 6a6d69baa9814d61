/**
 * A clock driven by hand, for deterministic tests of anything that takes a {@link Clock}.
 * @module
 */
import type { Clock, TimerHandle } from '../resilience/clock.js';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * Time stands still until you move it. Timers fire in due order (ties in creation order), each one
 * seeing `now()` equal to its due time.
 * @example
 * const clock = new ManualClock();
 * clock.setTimeout(() => console.log('fired'), 1000);
 * clock.advance(1000); // prints 'fired'
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: Timer[] = [];

  /** @param start epoch ms to start at @default 1_700_000_000_000 */
  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { id?: number }).id;
    this.#timers = this.#timers.filter((t) => t.id !== id);
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, synchronously. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (let t = this.#takeDue(target); t; t = this.#takeDue(target)) {
      this.#now = t.at;
      t.fn();
    }
    this.#now = target;
  }

  /**
   * Like {@link advance}, but lets promise callbacks and I/O callbacks run after each timer, so async
   * code chained on timers makes progress.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (let t = this.#takeDue(target); t; t = this.#takeDue(target)) {
      this.#now = t.at;
      t.fn();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  #takeDue(limit: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.id < best.id))) best = t;
    }
    if (best) this.#timers = this.#timers.filter((t) => t !== best);
    return best;
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
