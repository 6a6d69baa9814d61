/**
 * The shared limiter behind a lane's synchronous pacing seam (`waitMs`, `tryAcquire`, `complete`,
 * `update`, `pauseFor`: what `RateLimiter` offers). A lane decides synchronously; a shared decision
 * takes a round trip. So the decision is made ahead: when the lane asks and no answer is held, one
 * `acquire()` goes out, the lane is told to come back shortly, and the answer (a reserved send, or how
 * long to wait) wakes it. A reservation the lane does not use soon is let go, so a send never leaves
 * on a slot counted long before it.
 * @module
 */
import type { RateInfo } from '../core/sink.js';
import type { Clock } from '../resilience/clock.js';
import type { SharedLimiter } from './ports.js';

/** How long the lane is told to wait while a decision is out; the answer wakes it sooner. */
const ASKING_MS = 50;
/** A reserved send older than this is let go (its slot was counted when it was reserved). */
const RESERVATION_TTL_MS = 250;

export class ReservingLimiter {
  readonly #shared: SharedLimiter;
  readonly #clock: Clock;
  #wake: () => void = () => {};
  #reservedAt: number | undefined;
  #asking = false;
  #notBefore = 0;
  #pausedUntil = 0;
  #completed = 0;
  #update: RateInfo | undefined;

  constructor(shared: SharedLimiter, clock: Clock) {
    this.#shared = shared;
    this.#clock = clock;
  }

  /** Called when a decision lands, so the lane runs again (its `pump`). */
  onDecision(wake: () => void): void {
    this.#wake = wake;
  }

  /** 0 when a reserved send is held, else how long to wait (asking Redis meanwhile). Consumes nothing. */
  waitMs(): number {
    const now = this.#clock.now();
    if (this.#reservedAt !== undefined) {
      if (now - this.#reservedAt <= RESERVATION_TTL_MS) return 0;
      this.#reservedAt = undefined;
    }
    if (now < this.#notBefore) return Math.ceil(this.#notBefore - now);
    if (this.#asking) return ASKING_MS;
    // An answer reported in this turn rides on this decision rather than on a round trip of its own.
    if (this.#completed !== 0) this.#flush();
    const answer = this.#shared.acquire();
    if (typeof answer === 'number') {
      // Decided alone (local limits): no round trip, no waiting for a wake-up.
      this.#take(answer, now);
      return answer;
    }
    this.#asking = true;
    answer.then(
      (wait) => {
        this.#asking = false;
        this.#take(wait, this.#clock.now());
        this.#wake();
      },
      () => {
        this.#asking = false;
        this.#notBefore = this.#clock.now() + ASKING_MS;
        this.#wake();
      },
    );
    return ASKING_MS;
  }

  /** Takes the reserved send; 0 when it was taken, else the wait. */
  tryAcquire(): number {
    const wait = this.waitMs();
    if (wait === 0) this.#reservedAt = undefined;
    return wait;
  }

  /** The most recent send was answered now; what `update` adds in the same turn goes with it. */
  complete(): void {
    this.#completed++;
    if (this.#completed === 1) queueMicrotask(() => this.#flush());
  }

  /** What the server said about its window (read with the answer `complete` reported). */
  update(info: RateInfo): void {
    this.#update = info;
    if (this.#completed === 0) {
      this.#completed = -1;
      queueMicrotask(() => this.#flush());
    }
  }

  pauseFor(ms: number): void {
    if (!(ms > 0)) return;
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + ms);
    this.#notBefore = Math.max(this.#notBefore, this.#pausedUntil);
    this.#reservedAt = undefined;
    this.#shared.pauseFor(ms);
  }

  ratePerMs(): number | undefined {
    return this.#shared.ratePerMs();
  }

  /** Epoch ms at which a Retry-After pause seen by this process ends, 0 when not paused. */
  get pausedUntil(): number {
    return this.#pausedUntil > this.#clock.now() ? this.#pausedUntil : 0;
  }

  #flush(): void {
    const completions = this.#completed;
    const update = this.#update;
    this.#completed = 0;
    this.#update = undefined;
    if (completions <= 0) {
      // A correction without an answer of ours: pass it on alone.
      if (update) this.#shared.complete(update);
      return;
    }
    for (let i = 1; i < completions; i++) this.#shared.complete();
    this.#shared.complete(update);
  }

  #take(wait: number, now: number): void {
    if (wait === 0) this.#reservedAt = now;
    else this.#notBefore = now + wait;
  }
}
