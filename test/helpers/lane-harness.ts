import type { EventRecord } from '../../src/core/event.js';
import type { Sink } from '../../src/core/sink.js';
import type { OffpathEvents } from '../../src/pipeline/events.js';
import { Lane } from '../../src/pipeline/lane.js';
import type { LaneSettings } from '../../src/pipeline/lane-settings.js';
import { reconciles } from '../../src/pipeline/ledger.js';
import type { SpillReason, SpoolPort } from '../../src/pipeline/spool-port.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { RateLimiter } from '../../src/resilience/rate-limiter.js';
import { RetryBudget } from '../../src/resilience/retry-budget.js';
import { RetryPolicy } from '../../src/resilience/retry-policy.js';
import { TypedEmitter } from '../../src/resilience/typed-emitter.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

/** What a test lane reported. */
export interface LaneLog {
  readonly delivered: number[];
  readonly dropped: Array<{ id: number; reason: string }>;
  readonly deadLettered: Array<{ id: number; reason: string; attempts: number; status: number | undefined }>;
  readonly spilled: Array<{ id: number; reason: SpillReason }>;
  /** Ids the spool was told are settled (acknowledged), in order. */
  readonly settled: number[];
  /** Ids the spool was given a durable copy of, in order. */
  readonly journaled: number[];
  readonly disabled: string[];
  readonly errors: unknown[];
}

/** A spool that takes everything and remembers what it took, journaled and settled. */
function recordingSpool(log: LaneLog, durable: boolean): SpoolPort {
  return {
    durable,
    whenBreakerOpen: false,
    spill: (_d, records, reason) => {
      log.spilled.push(...records.map((r) => ({ id: r.id, reason })));
      return true;
    },
    journal: (_d, record) => {
      log.journaled.push(record.id);
    },
    settle: (_d, records) => {
      log.settled.push(...records.map((r) => r.id));
    },
    deadLetter: () => {},
    backlog: () => 0,
    take: () => [],
    onLoss: () => {},
  };
}

/** Builds a lane on a manual clock with real primitives, recording what its event stream says. */
export function makeLane(
  sink: Sink,
  overrides: Partial<LaneSettings> & {
    /** A recording spool; `'durable'` journals every queued record too. */
    spool?: boolean | 'durable';
    limits?: Array<{ limit: number; intervalMs: number }>;
    clock?: ManualClock;
    maxAttempts?: number;
  } = {},
): { lane: Lane; clock: ManualClock; log: LaneLog; events: TypedEmitter<OffpathEvents>; check(): void } {
  const clock = overrides.clock ?? new ManualClock(0);
  const log: LaneLog = {
    delivered: [],
    dropped: [],
    deadLettered: [],
    spilled: [],
    settled: [],
    journaled: [],
    disabled: [],
    errors: [],
  };
  const ids = (records: readonly EventRecord[]) => records.map((r) => r.id);
  const events = new TypedEmitter<OffpathEvents>();
  events.on('delivered', (e) => log.delivered.push(...e.ids));
  events.on('dropped', (e) => log.dropped.push(...e.ids.map((id) => ({ id, reason: e.reason }))));
  events.on('dead-lettered', (e) =>
    log.deadLettered.push(
      ...ids(e.records).map((id) => ({
        id,
        reason: e.reason,
        attempts: e.attempts,
        status: e.error?.statusCode,
      })),
    ),
  );
  events.on('destination-disabled', (e) => log.disabled.push(e.destination));
  const random = () => 0.5;
  const policy = new RetryPolicy({
    initialDelayMs: 100,
    maxDelayMs: 1_000,
    jitter: 'none',
    clock,
    random,
    maxAttempts: overrides.maxAttempts ?? 1_000_000,
  });
  const lane = new Lane(
    {
      name: 'test',
      sink,
      maxQueueItems: 100,
      maxQueueBytes: 1_000_000,
      overflow: 'drop-oldest',
      maxBatchSize: 10,
      maxBatchBytes: Number.POSITIVE_INFINITY,
      maxBatchDelayMs: 1_000,
      concurrency: Math.max(1, sink.concurrency ?? 1),
      sendTimeoutMs: 5_000,
      maxEventAgeMs: 3_600_000,
      retryAfterCapMs: 300_000,
      defaultRateLimitWaitMs: 1_000,
      retry: policy,
      retryBudget: new RetryBudget({ clock, ratio: 1, minRetriesPerWindow: 1_000 }),
      breaker: new CircuitBreaker({ failureThreshold: 1_000, clock, random }),
      limiter: new RateLimiter({ limits: overrides.limits ?? [], clock }),
      ...overrides,
    },
    {
      clock,
      events,
      spool: overrides.spool ? recordingSpool(log, overrides.spool === 'durable') : undefined,
      nextId: (() => {
        let id = 1_000_000;
        return () => ++id;
      })(),
      report: (error) => log.errors.push(error),
    },
  );
  return {
    lane,
    clock,
    log,
    events,
    check() {
      const s = lane.ledger.snapshot();
      if (!reconciles(s)) throw new Error(`ledger does not reconcile: ${JSON.stringify(s)}`);
      if (lane.ledger.inMemory === 0 && lane.ledger.bytes !== 0)
        throw new Error(`memory accounting drifted: ${lane.ledger.bytes} bytes held with nothing in memory`);
      if (lane.ledger.weightIn('queued') !== lane.queueDepth)
        throw new Error(`queued gauge ${lane.ledger.weightIn('queued')} but ${lane.queueDepth} queued`);
      if (log.errors.length > 0) throw log.errors[0];
    },
  };
}
