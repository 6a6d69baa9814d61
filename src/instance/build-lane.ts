/**
 * Turns one validated destination config into a lane spec: its sink, limiter, breaker, retry policy
 * and budget, with the platform's own limits as defaults.
 * @module
 */

import type { ValidConfig } from '../config/config-schema.js';
import type { EventRecord } from '../core/event.js';
import type { Sink } from '../core/sink.js';
import type { NoiseFactory } from '../pipeline/lane-policies.js';
import { NoiseControl } from '../pipeline/noise-control.js';
import type { LaneSpec } from '../pipeline/pipeline.js';
import { CircuitBreaker, circuitBreakerPresets } from '../resilience/circuit-breaker.js';
import type { Clock } from '../resilience/clock.js';
import { RateLimiter } from '../resilience/rate-limiter.js';
import { RetryBudget } from '../resilience/retry-budget.js';
import { RetryPolicy, retryPresets } from '../resilience/retry-policy.js';
import { CHAT_NOISE_DEFAULTS, CHAT_TYPES, LANE_DEFAULTS } from './defaults.js';

/** One validated destination. */
export type DestinationConfig = ValidConfig['destinations'][number];

/** A lane spec with the concrete primitives the instance also reads (breaker changes, pauses). */
export interface BuiltLaneSpec extends LaneSpec {
  readonly breaker: CircuitBreaker;
  readonly limiter: RateLimiter;
}

/** Builds the lane spec of a destination around an already built sink. */
export function buildLaneSpec(
  destination: DestinationConfig,
  sink: Sink,
  context: {
    clock: Clock;
    random: () => number;
    prepare: (record: EventRecord) => EventRecord;
    retryAfterCapMs: number;
  },
): BuiltLaneSpec {
  const { clock, random } = context;
  const retryOptions =
    typeof destination.retry === 'string'
      ? retryPresets[destination.retry]
      : { ...retryPresets.defaults, ...destination.retry };
  const breakerOptions =
    typeof destination.breaker === 'string'
      ? circuitBreakerPresets[destination.breaker]
      : { ...circuitBreakerPresets.defaults, ...destination.breaker };
  const limits = destination.rateLimits ?? sink.rateLimits ?? [];
  const policy = new RetryPolicy({ ...retryOptions, random, clock });
  return {
    noise: resolveNoise(destination, clock),
    name: destination.name,
    sink,
    prepare: context.prepare,
    fallback: destination.fallback,
    maxQueueItems: destination.queue?.maxItems ?? LANE_DEFAULTS.maxQueueItems,
    maxQueueBytes: destination.queue?.maxBytes ?? LANE_DEFAULTS.maxQueueBytes,
    overflow: destination.queue?.overflow ?? LANE_DEFAULTS.overflow,
    maxBatchSize: destination.batch?.maxSize ?? sink.maxBatchSize ?? LANE_DEFAULTS.maxBatchSize,
    maxBatchBytes: destination.batch?.maxBytes ?? sink.maxBatchBytes ?? Number.POSITIVE_INFINITY,
    maxBatchDelayMs: destination.batch?.maxDelayMs ?? LANE_DEFAULTS.maxBatchDelayMs,
    concurrency: Math.max(1, Math.floor(sink.concurrency ?? 1)),
    sendTimeoutMs: destination.sendTimeoutMs ?? LANE_DEFAULTS.sendTimeoutMs,
    maxEventAgeMs: destination.maxEventAgeMs ?? LANE_DEFAULTS.maxEventAgeMs,
    retryAfterCapMs: context.retryAfterCapMs,
    defaultRateLimitWaitMs: LANE_DEFAULTS.defaultRateLimitWaitMs,
    retry: { maxAttempts: Number.POSITIVE_INFINITY, delayFor: (n, previous) => policy.delayFor(n, previous) },
    retryBudget: new RetryBudget({ clock }),
    breaker: new CircuitBreaker({ ...breakerOptions, clock, random }),
    limiter: new RateLimiter({
      limits: limits.map((l) => ({ limit: l.limit, intervalMs: l.intervalMs })),
      clock,
    }),
  };
}

/** Chat destinations get cooldowns and storm digests unless told otherwise; others get them on request. */
function resolveNoise(destination: DestinationConfig, clock: Clock): NoiseFactory | undefined {
  const given = destination.noise;
  if (given === false || (given === undefined && !CHAT_TYPES.has(destination.type))) return undefined;
  const storm = given?.storm;
  const bypass = given?.bypassLevel ?? CHAT_NOISE_DEFAULTS.bypassLevel;
  const settings = {
    cooldownMs: given?.cooldownMs ?? CHAT_NOISE_DEFAULTS.cooldownMs,
    bypassLevel: bypass === 'none' ? undefined : bypass,
    storm: storm === false ? undefined : { ...CHAT_NOISE_DEFAULTS.storm, ...storm },
    maxFingerprints: CHAT_NOISE_DEFAULTS.maxFingerprints,
  };
  return (handOver, nextId) => new NoiseControl(settings, clock, handOver, nextId);
}
