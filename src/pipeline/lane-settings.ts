/**
 * What a lane is built from: its destination's resolved settings and what the lanes of one pipeline
 * share.
 * @module
 */
import type { Sink } from '../core/sink.js';
import type { Clock } from '../resilience/clock.js';
import type { LedgerContext } from './delivery-ledger.js';
import type { ReportFailure } from './events.js';
import type {
  LaneBreaker,
  LaneLimiter,
  LaneRetryBudget,
  NoiseFactory,
  RetrySchedule,
} from './lane-policies.js';
import type { OverflowPolicy } from './overflow.js';

/** Resolved settings of one lane. */
export interface LaneSettings {
  readonly name: string;
  readonly sink: Sink;
  readonly maxQueueItems: number;
  /** Bytes the lane may hold in memory: queued, batched, waiting and in flight. */
  readonly maxQueueBytes: number;
  readonly overflow: OverflowPolicy;
  readonly maxBatchSize: number;
  /** Estimated bytes of one batch's records. */
  readonly maxBatchBytes: number;
  readonly maxBatchDelayMs: number;
  /** Sends in flight at once; 1 keeps messages in order. */
  readonly concurrency: number;
  readonly sendTimeoutMs: number;
  readonly maxEventAgeMs: number;
  readonly retryAfterCapMs: number;
  /** Wait applied on a 429 that did not say how long. */
  readonly defaultRateLimitWaitMs: number;
  readonly retry: RetrySchedule;
  readonly retryBudget: LaneRetryBudget;
  readonly breaker: LaneBreaker;
  readonly limiter: LaneLimiter;
  /** Cooldowns and storm digests; undefined sends every event as it comes. */
  readonly noise?: NoiseFactory | undefined;
  /**
   * While the circuit is open, what the lane holds and what arrives is dead-lettered as
   * `circuit_open` (and so handed to the fallback) instead of waiting. @default false
   */
  readonly handOffWhenOpen?: boolean | undefined;
}

/** What the lanes of one pipeline share. */
export interface LaneContext extends LedgerContext {
  readonly clock: Clock;
  /** Ids for the digest records lanes create. */
  readonly nextId: () => number;
  /** offpath's own failures; never throws. */
  readonly report: ReportFailure;
  /** CPU time a lane spent on its own work (formatting, settling), outside routing. */
  readonly worked?: ((ms: number) => void) | undefined;
}

/** Lifecycle of a lane. */
export type LaneState = 'active' | 'disabled' | 'closed';
