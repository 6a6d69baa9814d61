import type { EventRecord } from '../../src/core/event.js';
import type { Sink } from '../../src/core/sink.js';
import { Lane, type LaneSettings } from '../../src/pipeline/lane.js';
import type { LaneObserver, SpillReason } from '../../src/pipeline/lane-observer.js';
import { reconciles } from '../../src/pipeline/ledger.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { RateLimiter } from '../../src/resilience/rate-limiter.js';
import { RetryBudget } from '../../src/resilience/retry-budget.js';
import { RetryPolicy } from '../../src/resilience/retry-policy.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

/** What a test lane reported. */
export interface LaneLog {
  readonly delivered: number[];
  readonly dropped: Array<{ id: number; reason: string }>;
  readonly deadLettered: Array<{ id: number; reason: string }>;
  readonly spilled: Array<{ id: number; reason: SpillReason }>;
  readonly disabled: string[];
  readonly errors: unknown[];
  bytes: number;
}

/** Builds a lane on a manual clock with real primitives and an observer that records everything. */
export function makeLane(
  sink: Sink,
  overrides: Partial<LaneSettings> & {
    spool?: boolean;
    limits?: Array<{ limit: number; intervalMs: number }>;
  } = {},
): { lane: Lane; clock: ManualClock; log: LaneLog; check(): void } {
  const clock = (overrides.clock as ManualClock | undefined) ?? new ManualClock(0);
  const log: LaneLog = {
    delivered: [],
    dropped: [],
    deadLettered: [],
    spilled: [],
    disabled: [],
    errors: [],
    bytes: 0,
  };
  const ids = (records: readonly EventRecord[]) => records.map((r) => r.id);
  const observer: LaneObserver = {
    enqueued: () => {},
    merged: () => {},
    batched: () => {},
    delivered: (_d, records) => log.delivered.push(...ids(records)),
    dropped: (_d, records, reason) => log.dropped.push(...ids(records).map((id) => ({ id, reason }))),
    deadLettered: (_d, records, reason) =>
      log.deadLettered.push(...ids(records).map((id) => ({ id, reason }))),
    spill: (_d, records, reason) => {
      if (!overrides.spool) return false;
      log.spilled.push(...ids(records).map((id) => ({ id, reason })));
      return true;
    },
    disabled: (d) => log.disabled.push(d),
    requestStart: () => {},
    requestSuccess: () => {},
    requestFailure: () => {},
    retry: () => {},
    rateLimited: () => {},
    worked: () => {},
    bytesChanged: (delta) => {
      log.bytes += delta;
    },
    error: (error) => log.errors.push(error),
  };
  const random = () => 0.5;
  const lane = new Lane({
    name: 'test',
    sink,
    clock,
    maxQueueItems: 100,
    maxQueueBytes: 1_000_000,
    overflow: 'drop-oldest',
    maxBatchSize: 10,
    maxBatchDelayMs: 1_000,
    sendTimeoutMs: 5_000,
    maxEventAgeMs: 3_600_000,
    retryAfterCapMs: 300_000,
    defaultRateLimitWaitMs: 1_000,
    retry: new RetryPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: 'none', clock, random }),
    budget: new RetryBudget({ clock, ratio: 1, minRetriesPerWindow: 1_000 }),
    breaker: new CircuitBreaker({ failureThreshold: 1_000, clock, random }),
    limiter: new RateLimiter({ limits: overrides.limits ?? [], clock }),
    observer,
    ...overrides,
  });
  return {
    lane,
    clock,
    log,
    check() {
      const s = lane.snapshot();
      if (!reconciles(s)) throw new Error(`ledger does not reconcile: ${JSON.stringify(s)}`);
      if (log.bytes !== lane.bytes)
        throw new Error(`memory accounting drifted: observer ${log.bytes}, lane ${lane.bytes}`);
      if (log.errors.length > 0) throw log.errors[0];
    },
  };
}
