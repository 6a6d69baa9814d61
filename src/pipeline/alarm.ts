/**
 * One timer of a lane, on the injected clock (so never holding the process open).
 * @module
 */
import type { Clock, TimerHandle } from '../resilience/clock.js';

export class Alarm {
  readonly #clock: Clock;
  readonly #fire: () => void;
  #timer: TimerHandle | undefined;
  #at = Number.POSITIVE_INFINITY;

  constructor(clock: Clock, fire: () => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** Fires in `ms` (at least 1), unless it is already due sooner. */
  within(ms: number): void {
    const at = this.#clock.now() + Math.max(1, ms);
    if (this.#timer !== undefined && this.#at <= at) return;
    this.#set(at);
  }

  /** Fires in `ms` unless already armed: armed by the first call and never reset. */
  once(ms: number): void {
    if (this.#timer === undefined) this.#set(this.#clock.now() + ms);
  }

  clear(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
  }

  #set(at: number): void {
    this.clear();
    this.#at = at;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#at = Number.POSITIVE_INFINITY;
      this.#fire();
    }, at - this.#clock.now());
  }
}
