/**
 * Turns one validated destination config into a lane spec: its sink, limiter, breaker, retry policy
 * and budget, with the platform's own limits as defaults.
 * @module
 */

import type { ValidConfig } from '../config/config-schema.js';
import type { EventRecord } from '../core/event.js';
import type { RateLimitSpec, Sink } from '../core/sink.js';
import type { LaneBreaker, LaneLimiter, NoiseFactory } from '../pipeline/lane-policies.js';
import { NoiseControl, type NoiseSettings } from '../pipeline/noise-control.js';
import type { LaneSpec } from '../pipeline/pipeline.js';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitStateChange,
  circuitBreakerPresets,
} from '../resilience/circuit-breaker.js';
import type { Clock } from '../resilience/clock.js';
import { ConfigError } from '../resilience/errors.js';
import { RateLimiter } from '../resilience/rate-limiter.js';
import { RetryBudget } from '../resilience/retry-budget.js';
import { RetryPolicy, type RetryPolicyOptions, retryPresets } from '../resilience/retry-policy.js';
import { withoutUndefined } from '../resilience/validate.js';
import {
  BREAKER_SCHEDULE,
  CHAT_NOISE_DEFAULTS,
  CHAT_TYPES,
  LANE_DEFAULTS,
  RETRY_BUDGET,
} from './defaults.js';

/** One validated destination. */
export type DestinationConfig = ValidConfig['destinations'][number];

/** A lane's breaker as the instance follows it (circuit-state events, health). */
export interface InstanceBreaker extends LaneBreaker {
  subscribe(listener: (change: CircuitStateChange) => void): () => void;
}

/** A lane spec with the primitives the instance also reads (breaker changes, pauses). */
export interface BuiltLaneSpec extends LaneSpec {
  readonly breaker: InstanceBreaker;
  readonly limiter: LaneLimiter;
  /** Lets go of what the lane holds in shared state, once it is retired; absent when nothing is shared. */
  readonly release?: (() => void) | undefined;
}

/** A destination's pacing, circuit and noise control. */
export interface LanePolicies {
  readonly limiter: LaneLimiter;
  readonly breaker: InstanceBreaker;
  readonly noise: NoiseFactory | undefined;
  readonly release?: (() => void) | undefined;
}

/** What a destination's policies are built from (by this process alone, or shared with others). */
export interface PolicyInput {
  readonly destination: DestinationConfig;
  /** The proactive limits its lane applies: the destination's `rateLimits`, else the sink's. */
  readonly limits: readonly RateLimitSpec[];
  readonly breaker: CircuitBreakerOptions;
  /** Its noise settings; undefined sends every event as it comes. */
  readonly noise: NoiseSettings | undefined;
}

/** Builds policies shared with other processes (`coordinate-lanes.ts`). */
export type LaneCoordinator = (input: PolicyInput) => LanePolicies;

/** A destination's retries: a preset by name, or the given fields over the destination default. */
export function destinationRetry(destination: DestinationConfig): RetryPolicyOptions {
  const given = destination.retry;
  if (typeof given === 'string') return retryPresets[given];
  return { ...retryPresets[LANE_DEFAULTS.retry], ...given };
}

/**
 * A destination's circuit breaker: the thresholds of its preset (or of `defaults`), the destination
 * probe schedule, and whatever the object form sets.
 */
export function destinationBreaker(destination: DestinationConfig): CircuitBreakerOptions {
  const given = destination.breaker;
  const preset = circuitBreakerPresets[typeof given === 'string' ? given : 'defaults'];
  const fields = typeof given === 'object' ? given : {};
  const recoveryTimeoutMs = fields.recoveryTimeoutMs ?? BREAKER_SCHEDULE.recoveryTimeoutMs;
  return {
    failureThreshold: fields.failureThreshold ?? preset.failureThreshold,
    halfOpenSuccessThreshold: fields.halfOpenSuccessThreshold ?? preset.halfOpenSuccessThreshold,
    recoveryTimeoutMs,
    recoveryMultiplier: fields.recoveryMultiplier ?? BREAKER_SCHEDULE.recoveryMultiplier,
    maxRecoveryTimeoutMs:
      fields.maxRecoveryTimeoutMs ?? Math.max(BREAKER_SCHEDULE.maxRecoveryTimeoutMs, recoveryTimeoutMs),
  };
}

/**
 * Builds the lane spec of a destination around an already built sink.
 * @throws ConfigError when the primitives refuse a combination the schema cannot see (for example a
 * `breaker.maxRecoveryTimeoutMs` below its `recoveryTimeoutMs`).
 */
export function buildLaneSpec(
  destination: DestinationConfig,
  sink: Sink,
  context: {
    clock: Clock;
    random: () => number;
    prepare: (record: EventRecord) => EventRecord;
    retryAfterCapMs: number;
    /** Set when the instance coordinates with other processes. */
    coordinate?: LaneCoordinator | undefined;
  },
): BuiltLaneSpec {
  try {
    return build(destination, sink, context);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw ConfigError.fromIssues(
      'invalid offpath config',
      [{ path: `destinations.${destination.name}`, message: error.message }],
      { cause: error },
    );
  }
}

function build(
  destination: DestinationConfig,
  sink: Sink,
  context: Parameters<typeof buildLaneSpec>[2],
): BuiltLaneSpec {
  const { clock, random } = context;
  const input: PolicyInput = {
    destination,
    limits: destination.rateLimits ?? sink.rateLimits ?? [],
    breaker: { ...destinationBreaker(destination), clock, random },
    noise: resolveNoise(destination),
  };
  const policies = context.coordinate ? context.coordinate(input) : localPolicies(input, clock);
  return {
    ...policies,
    name: destination.name,
    sink,
    prepare: context.prepare,
    fallback: destination.fallback,
    fallbackOn: destination.fallbackOn,
    minLevel: destination.minLevel,
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
    retry: new RetryPolicy({ ...destinationRetry(destination), random, clock }),
    retryBudget: new RetryBudget({
      ...RETRY_BUDGET,
      ...withoutUndefined(destination.retryBudget ?? {}),
      clock,
    }),
  };
}

/** The in-process policies: this process paces, trips and digests alone. */
function localPolicies(input: PolicyInput, clock: Clock): LanePolicies {
  const noise = input.noise;
  return {
    breaker: new CircuitBreaker(input.breaker),
    // Several requests can be in flight: count each from its answer, which is exact for any number.
    limiter: new RateLimiter({
      limits: input.limits.map((l) => ({ limit: l.limit, intervalMs: l.intervalMs })),
      clock,
      countFromAnswers: true,
    }),
    noise: noise && ((handOver, nextId) => new NoiseControl(noise, clock, handOver, nextId)),
  };
}

/** Chat destinations get cooldowns and storm digests unless told otherwise; others get them on request. */
function resolveNoise(destination: DestinationConfig): NoiseSettings | undefined {
  const given = destination.noise;
  if (given === false || (given === undefined && !CHAT_TYPES.has(destination.type))) return undefined;
  const storm = given?.storm;
  const bypass = given?.bypassLevel ?? CHAT_NOISE_DEFAULTS.bypassLevel;
  return {
    cooldownMs: given?.cooldownMs ?? CHAT_NOISE_DEFAULTS.cooldownMs,
    bypassLevel: bypass === 'none' ? undefined : bypass,
    storm: storm === false ? undefined : { ...CHAT_NOISE_DEFAULTS.storm, ...storm },
    maxFingerprints: CHAT_NOISE_DEFAULTS.maxFingerprints,
  };
}
