/**
 * What an exchange needs from the proxy it belongs to (implemented by `ProxyRoute`): the upstream
 * pool and its resilience, the clock, the counters, the tracer, and three notifications.
 * @module
 */
import type { Dispatcher } from 'undici';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { Clock } from '../resilience/clock.js';
import type { RetryBudget } from '../resilience/retry-budget.js';
import type { RetryPolicy } from '../resilience/retry-policy.js';
import type { ExchangeTracer, ExchangeView } from './exchange-trace.js';
import type { ProxyCounters } from './proxy-counters.js';
import type { ResolvedProxy } from './proxy-options.js';
import type { SecretScrubber } from './secret-scrubber.js';

/** What an exchange needs from its proxy. */
export interface ExchangeHost {
  readonly proxy: ResolvedProxy;
  readonly dispatcher: Dispatcher;
  readonly breaker: CircuitBreaker;
  readonly retry: RetryPolicy;
  readonly budget: RetryBudget;
  readonly clock: Clock;
  readonly counters: ProxyCounters;
  readonly tracer: ExchangeTracer;
  readonly scrubber: SecretScrubber;
  /** Bytes of each body kept for the trace of a request the capture filter follows (0: none). */
  excerptBytes(method: string, url: string): number;
  onRateLimited(requestId: string, waitMs: number): void;
  onInactivity(requestId: string, inactiveForMs: number): void;
  /** Called once per exchange when it is over. */
  onDone(exchange: ExchangeView): void;
}
