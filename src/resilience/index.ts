/**
 * `offpath/resilience`: the building blocks of offpath's delivery pipeline, for use on their own around
 * any async call: retries with backoff and a budget, a circuit breaker, a rate limiter, Retry-After
 * parsing, timeouts, a typed emitter and a metrics collector. It loads none of the instance, sinks or
 * sources. The errors the primitives throw are the main entry's, listed here too (the same classes).
 * Every public name of the entry point is listed here.
 * @example
 * import { CircuitBreaker, MetricsCollector, RetryPolicy, TypedEmitter, type ResilienceEvents } from 'offpath/resilience';
 *
 * const events = new TypedEmitter<ResilienceEvents>();
 * const metrics = new MetricsCollector().attach(events);
 * const breaker = new CircuitBreaker({ events, destination: 'api' });
 * const policy = new RetryPolicy({ events, destination: 'api' });
 * await breaker.execute(() => policy.execute(({ signal }) => fetch(url, { signal })));
 * @module
 */
export type { BackoffOptions, Jitter, JitterMode } from './backoff.js';
export { backoffDelayMs } from './backoff.js';
export type {
  CircuitBreakerOptions,
  CircuitBreakerSnapshot,
  CircuitGate,
  CircuitStateChange,
} from './circuit-breaker.js';
export { CircuitBreaker, circuitBreakerPresets } from './circuit-breaker.js';
export type { Clock, TimerHandle } from './clock.js';
export { sleep, systemClock } from './clock.js';
export type { ConfigIssue, OffpathErrorCode, OffpathErrorOptions } from './errors.js';
export {
  AuthenticationError,
  BadRequestError,
  CircuitOpenError,
  ConfigError,
  DestinationGoneError,
  formatConfigIssue,
  isOffpathError,
  NetworkError,
  OffpathError,
  RateLimitedError,
  ServerError,
  SinkFailedError,
  TimeoutError,
} from './errors.js';
export type { LatencySummary } from './latency-window.js';
export type { HeaderSource, RateLimitHeaders } from './rate-limit-headers.js';
export { readRateLimitHeaders } from './rate-limit-headers.js';
export type { RateLimit, RateLimiterOptions, RateLimitUpdate } from './rate-limiter.js';
export { RateLimiter } from './rate-limiter.js';
export type { CircuitState, ResilienceEventSource, ResilienceEvents } from './resilience-events.js';
export {
  capRetryAfter,
  discordRetryAfterMs,
  parseRetryAfterHeader,
  telegramRetryAfterMs,
} from './retry-after.js';
export type { RetryBudgetOptions } from './retry-budget.js';
export { RetryBudget } from './retry-budget.js';
export type {
  AttemptContext,
  ResolvedRetryOptions,
  RetryExecuteOptions,
  RetryPolicyOptions,
} from './retry-policy.js';
export {
  DEFAULT_RETRYABLE_ERROR_CODES,
  DEFAULT_RETRYABLE_STATUS_CODES,
  RetryPolicy,
  retryPresets,
} from './retry-policy.js';
export type { MetricsCollectorOptions, MetricsSnapshot } from './telemetry.js';
export { MetricsCollector } from './telemetry.js';
export type { WithTimeoutOptions } from './timeout.js';
export { withTimeout } from './timeout.js';
export type { TypedEmitterOptions } from './typed-emitter.js';
export { TypedEmitter } from './typed-emitter.js';
