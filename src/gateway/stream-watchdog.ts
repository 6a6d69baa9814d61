/**
 * The inactivity watchdog of one streamed response: fires when the upstream has sent nothing for
 * `timeoutMs`. Activity costs one clock read (no timer is re-armed per chunk): the single timer,
 * when it falls due, re-arms itself for whatever is left of the window. Time spent paused because
 * the client reads slowly (backpressure) is not inactivity of the upstream, so it never counts.
 * @module
 */
import type { Clock, TimerHandle } from '../resilience/clock.js';

export class StreamWatchdog {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #onInactive: (inactiveForMs: number) => void;
  #last = 0;
  #timer: TimerHandle | undefined;
  #paused = false;
  #stopped = false;

  constructor(clock: Clock, timeoutMs: number, onInactive: (inactiveForMs: number) => void) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#onInactive = onInactive;
  }

  /** Starts watching (the response has begun). */
  start(): void {
    this.#last = this.#clock.now();
    this.#arm(this.#timeoutMs);
  }

  /** The upstream sent something. */
  touch(): void {
    this.#last = this.#clock.now();
  }

  /** Backpressure: the proxy stopped reading, so silence is not the upstream's. */
  pause(): void {
    this.#paused = true;
  }

  /** Reading again: the window starts afresh. */
  resume(): void {
    this.#paused = false;
    this.#last = this.#clock.now();
  }

  /** Stops for good; idempotent. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    this.#timer = this.#clock.setTimeout(() => this.#check(), ms);
  }

  #check(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    const now = this.#clock.now();
    if (this.#paused) {
      this.#last = now;
      this.#arm(this.#timeoutMs);
      return;
    }
    const idle = now - this.#last;
    if (idle >= this.#timeoutMs) {
      this.#stopped = true;
      this.#onInactive(idle);
    } else {
      this.#arm(this.#timeoutMs - idle);
    }
  }
}
