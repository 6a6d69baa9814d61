/**
 * `createCoordination(config.coordination)`: one Redis connection per process and, per destination,
 * the limiter, circuit and noise store its lane asks. Without `redis` the local implementations are
 * used with the `replicas` hint; without the section nothing is coordinated at all.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { CoordinationConfig } from '../config/coordination-schema.js';
import type { RateLimitSpec } from '../core/sink.js';
import type { CircuitBreakerOptions } from '../resilience/circuit-breaker.js';
import { type Clock, systemClock } from '../resilience/clock.js';
import { TypedEmitter } from '../resilience/typed-emitter.js';
import { FailoverBreaker } from './failover-breaker.js';
import { FailoverLimiter } from './failover-limiter.js';
import { FailoverNoise } from './failover-noise.js';
import { type LimitTarget, limiterPlan } from './limiter-plan.js';
import { LocalBreaker } from './local-breaker.js';
import { LocalLimiter } from './local-limiter.js';
import { LocalNoise } from './local-noise.js';
import type { SharedBreaker, SharedLimiter, SharedNoise } from './ports.js';
import { type ConnectionHealth, RedisConnection } from './redis/connection.js';
import { RedisNoiseStore } from './redis/noise-store.js';
import { RedisLimiter } from './redis/redis-limiter.js';

/** What one destination's lane asks. */
export interface DestinationCoordination {
  /** The destination's shared, secret-free name. */
  readonly key: string;
  readonly limiter: SharedLimiter;
  readonly breaker: SharedBreaker;
  readonly noise: SharedNoise;
  /** Lets go of what the destination holds in shared state (announcement subscriptions); idempotent. */
  release(): void;
}

/** What a destination brings to {@link Coordination.forDestination}. */
export interface DestinationInput {
  readonly target: LimitTarget;
  /** The proactive limits its lane applies (the destination's `rateLimits`, else the sink's). */
  readonly limits: readonly RateLimitSpec[];
  /** Its breaker options, as for `CircuitBreaker`. */
  readonly breaker?: CircuitBreakerOptions;
}

/**
 * `shared`: Redis answers and every process shares state. `fallback`: Redis is configured but not
 * answering (or not yet), each process on local limits divided by `replicas`. `local`: no Redis
 * configured, local limits divided by `replicas`.
 */
export type CoordinationState = 'shared' | 'fallback' | 'local';

/** What `health()` and `/metrics` report about coordination. */
export interface CoordinationStatus {
  readonly state: CoordinationState;
  readonly replicas: number;
  /** The connection, when Redis is configured (its URL is never reported). */
  readonly redis?: ConnectionHealth;
}

/** Events of {@link Coordination}; each is emitted once per change. */
export interface CoordinationEvents {
  readonly 'coordination-state': {
    readonly from: CoordinationState;
    readonly to: CoordinationState;
    readonly reason?: string;
  };
}

/** Coordination of one process. */
export interface Coordination {
  /** This process's id in shared state (claims, leases). */
  readonly processId: string;
  forDestination(input: DestinationInput): DestinationCoordination;
  status(): CoordinationStatus;
  on<K extends keyof CoordinationEvents>(
    type: K,
    listener: (event: CoordinationEvents[K]) => void,
  ): () => void;
  /** Disconnects from Redis; idempotent. */
  close(): Promise<void>;
}

/** Things tests and embedders may inject. */
export interface CoordinationDependencies {
  /** @default systemClock */
  readonly clock?: Clock;
  /** Receives failures that are bugs rather than outages (a script Redis refused). @default ignore */
  readonly onError?: (error: unknown) => void;
}

/**
 * Undefined when `config` is undefined: nothing changes for a single process.
 * @example
 * const coordination = createCoordination({ redis: { url: 'redis://127.0.0.1:6379' }, replicas: 4 });
 * const { limiter, breaker, noise } = coordination!.forDestination({ target, limits: sink.rateLimits ?? [] });
 */
export function createCoordination(
  config: CoordinationConfig | undefined,
  deps: CoordinationDependencies = {},
): Coordination | undefined {
  if (config === undefined) return undefined;
  const clock = deps.clock ?? systemClock;
  const onError = deps.onError ?? (() => {});
  const replicas = config.replicas ?? 1;
  const processId = randomUUID().slice(0, 12);
  const events = new TypedEmitter<CoordinationEvents>({ onListenerError: (e) => onError(e) });
  const redis = config.redis;
  if (!redis) {
    return {
      processId,
      forDestination(input) {
        const plan = limiterPlan(input.target, input.limits);
        return {
          key: plan.key,
          limiter: new LocalLimiter(plan, clock, replicas),
          breaker: new LocalBreaker({ ...input.breaker, clock }),
          noise: new LocalNoise(),
          release: () => {},
        };
      },
      status: () => ({ state: 'local', replicas }),
      on: (type, listener) => events.on(type, listener),
      close: () => Promise.resolve(),
    };
  }
  const connection = new RedisConnection({
    url: redis.url,
    keyPrefix: redis.keyPrefix,
    commandTimeoutMs: redis.commandTimeoutMs,
  });
  let state: CoordinationState = 'fallback';
  const move = (to: CoordinationState, reason?: string): void => {
    if (to === state) return;
    const from = state;
    state = to;
    events.emit('coordination-state', { from, to, ...(reason === undefined ? {} : { reason }) });
  };
  connection.on('up', () => move('shared'));
  connection.on('down', ({ error }) => move('fallback', error));
  const breakers = new Set<FailoverBreaker>();
  return {
    processId,
    forDestination(input) {
      const plan = limiterPlan(input.target, input.limits);
      const local = new LocalLimiter(plan, clock, replicas);
      const breaker = new FailoverBreaker(connection, plan.key, { ...input.breaker, clock }, onError);
      breakers.add(breaker);
      return {
        key: plan.key,
        limiter: new FailoverLimiter(new RedisLimiter(connection, plan, clock), local, connection, onError),
        breaker,
        noise: new FailoverNoise(new RedisNoiseStore(connection, plan.key, processId), connection, onError),
        release: () => {
          breaker.close();
          breakers.delete(breaker);
        },
      };
    },
    status: () => ({ state, replicas, redis: connection.health() }),
    on: (type, listener) => events.on(type, listener),
    async close() {
      for (const b of breakers) b.close();
      breakers.clear();
      await connection.close();
    },
  };
}
