/**
 * Options, presets and result types of {@link CircuitBreaker}.
 * @module
 */
import type { CircuitBreakerSnapshot } from './circuit-breaker-snapshot.js';
import { type Clock, systemClock } from './clock.js';
import type { CircuitState, ResilienceEvents } from './resilience-events.js';
import type { TypedEmitter } from './typed-emitter.js';
import { positive, positiveInteger, withoutUndefined } from './validate.js';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open a closed breaker. @default 5 */
  readonly failureThreshold?: number;
  /** How long the first trip stays open before a probe is allowed, in ms. @default 30_000 */
  readonly recoveryTimeoutMs?: number;
  /** Consecutive successful probes that close a half-open breaker. @default 2 */
  readonly halfOpenSuccessThreshold?: number;
  /** Longest open period, however many trips in a row. @default max(300_000, recoveryTimeoutMs) */
  readonly maxRecoveryTimeoutMs?: number;
  /** Each trip without a full recovery in between multiplies the open period by this. @default 2 */
  readonly recoveryMultiplier?: number;
  /** The open period varies by ± this fraction, so many breakers do not probe in step. @default 0.1 */
  readonly jitterRatio?: number;
  /** A probe not reported after this long is presumed lost and another is allowed. @default 60_000 */
  readonly probeTimeoutMs?: number;
  /** Source of time. @default systemClock */
  readonly clock?: Clock;
  /** Uniform random numbers in [0, 1), for jitter. @default Math.random */
  readonly random?: () => number;
  /** Restores a state saved with {@link CircuitBreaker.snapshot}. @default undefined (closed) */
  readonly initial?: CircuitBreakerSnapshot;
  /** Which errors thrown inside {@link CircuitBreaker.execute} count as failures. @default every error */
  readonly isFailure?: (error: unknown) => boolean;
  /** Where state changes are published as `circuit-state` events. @default undefined */
  readonly events?: TypedEmitter<ResilienceEvents>;
  /** The destination's name, put in published events as `destination`. @default undefined */
  readonly destination?: string;
  /** Receives errors thrown by {@link CircuitBreaker.subscribe} listeners. @default undefined (ignored) */
  readonly onListenerError?: (error: unknown) => void;
}

/** Ready-made option sets: thresholds and recovery timeouts for common needs. */
export const circuitBreakerPresets = {
  /** 5 failures, 30 s open, 2 probes to close. */
  defaults: { failureThreshold: 5, recoveryTimeoutMs: 30_000, halfOpenSuccessThreshold: 2 },
  /** 10 failures, 60 s open, 2 probes to close: for flaky but important destinations. */
  lenient: { failureThreshold: 10, recoveryTimeoutMs: 60_000, halfOpenSuccessThreshold: 2 },
  /** 3 failures, 15 s open, 2 probes to close: fail fast. */
  strict: { failureThreshold: 3, recoveryTimeoutMs: 15_000, halfOpenSuccessThreshold: 2 },
} as const satisfies Record<string, Partial<CircuitBreakerOptions>>;

/** A state change, as given to {@link CircuitBreaker.subscribe} listeners. */
export interface CircuitStateChange {
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** Epoch ms of the change. */
  readonly at: number;
  readonly reason?: string;
}

/** The answer of {@link CircuitBreaker.acquire}. */
export type CircuitGate =
  | { readonly allowed: true; readonly probe: boolean }
  | {
      readonly allowed: false;
      /** Time until asking again makes sense. */
      readonly retryAfterMs: number;
      /** `open`: waiting for the open period; `half-open`: another call is probing right now. */
      readonly reason: 'open' | 'half-open';
    };

const OWNER = 'CircuitBreaker';
type OptionalKeys = 'initial' | 'events' | 'destination' | 'onListenerError';

/** Options with every default applied. */
export type ResolvedCircuitBreakerOptions = Readonly<Required<Omit<CircuitBreakerOptions, OptionalKeys>>>;

const defaults: ResolvedCircuitBreakerOptions = {
  failureThreshold: 5,
  recoveryTimeoutMs: 30_000,
  halfOpenSuccessThreshold: 2,
  maxRecoveryTimeoutMs: 300_000, // raised to recoveryTimeoutMs when that is longer and no max is given
  recoveryMultiplier: 2,
  jitterRatio: 0.1,
  probeTimeoutMs: 60_000,
  clock: systemClock,
  random: Math.random,
  isFailure: () => true,
};

/** Merges `options` over the defaults once and validates them; throws a TypeError naming a bad field. */
export function resolveCircuitBreakerOptions(options: CircuitBreakerOptions): ResolvedCircuitBreakerOptions {
  const given = withoutUndefined(options);
  const o = { ...defaults, ...given };
  if (given.maxRecoveryTimeoutMs === undefined) {
    o.maxRecoveryTimeoutMs = Math.max(o.maxRecoveryTimeoutMs, o.recoveryTimeoutMs);
  }
  positiveInteger(OWNER, 'failureThreshold', o.failureThreshold);
  positive(OWNER, 'recoveryTimeoutMs', o.recoveryTimeoutMs);
  positiveInteger(OWNER, 'halfOpenSuccessThreshold', o.halfOpenSuccessThreshold);
  positive(OWNER, 'probeTimeoutMs', o.probeTimeoutMs);
  if (!(o.maxRecoveryTimeoutMs >= o.recoveryTimeoutMs)) {
    throw new TypeError(`${OWNER}: \`maxRecoveryTimeoutMs\` must be >= \`recoveryTimeoutMs\``);
  }
  if (!(o.recoveryMultiplier >= 1 && Number.isFinite(o.recoveryMultiplier))) {
    throw new TypeError(
      `${OWNER}: \`recoveryMultiplier\` must be a number >= 1, got ${o.recoveryMultiplier}`,
    );
  }
  if (!(o.jitterRatio >= 0 && o.jitterRatio < 1)) {
    throw new TypeError(`${OWNER}: \`jitterRatio\` must be in [0, 1), got ${o.jitterRatio}`);
  }
  return o;
}
