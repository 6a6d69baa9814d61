/**
 * The limiter a coordinated lane uses: the shared one on Redis while Redis answers, the local one
 * (windows divided among the replicas) the moment it does not, and the shared one again once it is
 * back. A decision never waits for a Redis that is away: the connection fails fast.
 * @module
 */
import type { RateLimitUpdate } from '../resilience/rate-limiter.js';
import type { LocalLimiter } from './local-limiter.js';
import type { SharedLimiter } from './ports.js';
import type { RedisConnection } from './redis/connection.js';
import type { RedisLimiter } from './redis/redis-limiter.js';

/** Which side answered the last decision. */
export type LimiterMode = 'shared' | 'local';

export class FailoverLimiter implements SharedLimiter {
  readonly #redis: RedisLimiter;
  readonly #local: LocalLimiter;
  readonly #connection: RedisConnection;
  readonly #onError: (error: unknown) => void;
  #mode: LimiterMode = 'local';

  constructor(
    redis: RedisLimiter,
    local: LocalLimiter,
    connection: RedisConnection,
    onError: (error: unknown) => void = () => {},
  ) {
    this.#redis = redis;
    this.#local = local;
    this.#connection = connection;
    this.#onError = onError;
  }

  /** `shared` when the last decision came from Redis, `local` when it came from the fallback. */
  get mode(): LimiterMode {
    return this.#mode;
  }

  acquire(cost = 1): number | Promise<number> {
    if (!this.#connection.up) return this.#decideLocally(cost);
    return this.#redis.decide(cost).then(
      (answer) => {
        if (!answer.ok) return this.#decideLocally(cost);
        this.#mode = 'shared';
        return answer.value;
      },
      (error: unknown) => {
        // A reply error is a bug in a script; report it and keep delivering on local limits.
        this.#onError(error);
        return this.#decideLocally(cost);
      },
    );
  }

  #decideLocally(cost: number): number {
    this.#mode = 'local';
    return this.#local.acquire(cost);
  }

  complete(update?: RateLimitUpdate): void {
    if (this.#mode === 'shared') this.#redis.complete(update);
    // The local side learns the server's window too, so a fallback starts from what the server said;
    // moving its newest entries later than they were is only ever more careful.
    this.#local.complete(update);
  }

  pauseFor(ms: number): void {
    this.#redis.pauseFor(ms);
    this.#local.pauseFor(ms);
  }

  ratePerMs(): number | undefined {
    return this.#local.ratePerMs();
  }
}
