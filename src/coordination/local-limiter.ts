/**
 * The in-process limiter behind {@link SharedLimiter}: today's `RateLimiter`, on the destination's
 * windows divided among `replicas` so that processes pacing alone still stay inside the platform's
 * limits together. Used when coordination has no Redis, and while Redis is unreachable.
 * @module
 */
import type { Clock } from '../resilience/clock.js';
import { RateLimiter, type RateLimitUpdate } from '../resilience/rate-limiter.js';
import { divideWindows } from './limiter-plan.js';
import type { LimiterPlan, SharedLimiter } from './ports.js';

/**
 * @example
 * const limiter = new LocalLimiter(limiterPlan(target, sink.rateLimits), systemClock, 4);
 * if ((await limiter.acquire()) === 0) send();
 */
export class LocalLimiter implements SharedLimiter {
  readonly #limiter: RateLimiter;

  /** @param replicas processes sharing the destination; each takes 1/replicas of every window */
  constructor(plan: LimiterPlan, clock: Clock, replicas = 1) {
    this.#limiter = new RateLimiter({
      limits: divideWindows(plan.windows, replicas).map(({ limit, intervalMs, kind }) => ({
        limit,
        intervalMs,
        ...(kind === undefined ? {} : { kind }),
      })),
      clock,
      marginMs: plan.marginMs ?? 0,
    });
  }

  acquire(cost = 1): number {
    return this.#limiter.tryAcquire(cost);
  }

  /** The wait without consuming anything (0: a send may go now). */
  waitMs(cost = 1): number {
    return this.#limiter.waitMs(cost);
  }

  complete(update?: RateLimitUpdate): void {
    this.#limiter.complete();
    if (update) this.#limiter.update(update);
  }

  pauseFor(ms: number): void {
    this.#limiter.pauseFor(ms);
  }

  ratePerMs(): number | undefined {
    return this.#limiter.ratePerMs();
  }
}
