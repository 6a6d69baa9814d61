/**
 * The instance's contract: what `createOffpath` returns and takes besides the config (the
 * dependencies tests and embedders inject), and the results and statistics it reports.
 * @module
 */
import type { OffpathConfig, ValidConfig } from '../config/config-schema.js';
import type { OffpathEvent } from '../core/event.js';
import type { Source } from '../core/source.js';
import type { OffpathEvents } from '../pipeline/events.js';
import type { LedgerSnapshot } from '../pipeline/ledger.js';
import type { PipelineStats } from '../pipeline/pipeline.js';
import type { SelfStats } from '../pipeline/self-monitor.js';
import type { Clock } from '../resilience/clock.js';
import type { ReportOptions, TimeOptions } from '../sources/report.js';
import type { SpoolStats } from '../spool/spool-options.js';
import type { DeadLetter, DeadLetterFilter, DeadLetterQuery } from './dead-letters.js';
import type { DeliveryTap } from './delivery-tap.js';
import type { ReconfigurePlan } from './plan-reconfigure.js';
import type { FailureDependencies } from './report-failure.js';
import type { OffpathHealth } from './watch-health.js';

/** Events that services built on an instance (the gateway) publish on its stream. */
export type ServiceEventName = 'stream-inactivity' | 'rate-limited';

/** What {@link Offpath.reconfigure} did. */
export interface ReconfigureResult extends ReconfigurePlan {
  /** Resolves when the retired lanes have drained and closed. Never rejects. */
  readonly drained: Promise<void>;
}

/** Things tests and embedders may inject. */
export interface OffpathDependencies extends FailureDependencies {
  /** @default systemClock */
  readonly clock?: Clock;
  /** @default Math.random */
  readonly random?: () => number;
  /** Told when the events it follows are settled (the relay's shared queue). @default none */
  readonly tap?: DeliveryTap;
}

/** Deadline of {@link Offpath.flush} and {@link Offpath.close}. */
export interface DeadlineOptions {
  /** @default 10_000 for flush, 5_000 (or config.closeTimeoutMs) for close */
  readonly timeoutMs?: number;
}

/** What a flush or close achieved by its deadline. */
export interface FlushResult {
  /** True when everything reached its destination or a terminal state, and the deadline cost nothing. */
  readonly complete: boolean;
  /** Deliveries still pending (in memory or in the spool). */
  readonly pending: number;
  /** Deliveries the deadline cut off: dropped as `shutdown` (or spooled, when a spool is configured). */
  readonly cutOff: number;
}

/** Per-destination state beside its ledger. */
export interface DestinationStats extends LedgerSnapshot {
  readonly state: 'active' | 'disabled' | 'closed';
  readonly circuit: 'closed' | 'open' | 'half-open';
  readonly queueDepth: number;
  readonly memoryBytes: number;
}

/** The ledger of an instance. Totals count deliveries (event × destination). */
export interface OffpathStats extends Omit<PipelineStats, 'destinations'> {
  readonly destinations: Readonly<Record<string, DestinationStats>>;
  /** offpath's own cost while it runs. */
  readonly self: SelfStats;
  /** The durable spool, when one is configured. */
  readonly spool?: SpoolStats;
}

/** An offpath instance. */
export interface Offpath {
  /**
   * Accepts an event: synchronous, O(1), never throws, never awaits, never does I/O. The exception is
   * opt-in strict durable mode (`spool.durable: 'sync'`): the event is normalised, redacted and written
   * to the emit journal before this returns (see docs/SPOOL.md).
   */
  emit(event: OffpathEvent): boolean;
  /** The ledger; `accepted = delivered + digested + dropped + deadLettered + pending` always holds. */
  stats(): OffpathStats;
  /** Delivers what was accepted, up to the deadline. Never rejects. */
  flush(options?: DeadlineOptions): Promise<FlushResult>;
  /** Flushes up to the deadline, then spools or drops (counted) what is left. Idempotent. */
  close(options?: DeadlineOptions): Promise<FlushResult>;
  /** Per-destination health (state, last success and failure, backlog, latency, error rate) and overall. */
  health(): OffpathHealth;
  /** Subscribes to the typed event stream; returns an unsubscribe function. */
  on<K extends keyof OffpathEvents>(type: K, listener: (payload: OffpathEvents[K]) => void): () => void;
  /** Re-enables a destination that was disabled (deleted webhook, revoked token). */
  enable(destination: string): boolean;
  /**
   * Moves dead letters back into the spool so they are delivered again through the normal pipeline
   * (rate limits, retries and all). Only letters of destinations this instance has are moved; the
   * filter narrows further. Returns how many were requeued (0 without a spool).
   */
  replayDeadLetters(filter?: DeadLetterFilter): number;
  /** Dead letters of this instance's destinations, oldest first (empty without a spool). */
  deadLetters(query?: DeadLetterQuery): DeadLetter[];
  /**
   * How many events `emit()` would accept right now before its intake is full. A relay checks it to
   * answer 429 instead of accepting part of a batch.
   */
  intakeRoom(): number;
  /**
   * With a durable spool, resolves once every event accepted before the call has been routed and
   * committed to the spool file, so it survives a crash of the process (kill -9); callers ready in the
   * same turn share one commit, and it rejects only if the commit fails. Without a durable spool it
   * resolves at once (nothing in memory survives a crash).
   */
  persisted(): Promise<void>;
  /** Emits a manual bug report for a caught error; false when not accepted. */
  report(error: unknown, options?: ReportOptions): boolean;
  /** Runs `fn` and emits an event when it is slower than `slowMs`; its result or error is unchanged. */
  time<T>(name: string, fn: () => T | Promise<T>, options?: TimeOptions): Promise<T>;
  /**
   * Starts a capture source feeding this instance; returns a function that stops it. A throwing
   * `attach` (phase `attach`) and the source's later failures (phase `source`) go to `onError` and
   * the `error` event.
   */
  attach(source: Source): () => void;
  /**
   * Publishes an event of a service running on this instance (the gateway) on the typed stream.
   * Synchronous; listeners' failures go to `onError` and the `error` event.
   */
  publish<K extends ServiceEventName>(type: K, payload: OffpathEvents[K]): void;
  /**
   * Applies a new configuration without a restart. Unchanged destinations keep their lane (queue,
   * breaker, rate limiter); changed and removed ones stop taking events at once, deliver what they
   * hold until `timeoutMs` (default `closeTimeoutMs`), then spool the rest; new ones start. Routes and
   * the origin (`service`, `environment`, `release`, `host`) change too. Spool, limits, redaction and
   * capture need a restart.
   * @throws ConfigError when the config is invalid or changes a restart-only setting; the running
   * configuration is then untouched.
   */
  reconfigure(config: OffpathConfig, options?: DeadlineOptions): ReconfigureResult;
  /** The validated configuration (the latest applied by {@link reconfigure}). */
  readonly config: ValidConfig;
}
