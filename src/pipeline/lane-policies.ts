/**
 * The seams through which a lane reaches its destination's policies: pacing, the circuit breaker,
 * retries, the retry budget and noise control. The in-process primitives implement them today; an
 * implementation shared between processes (limits, a breaker with a probe lease, cooldown counts kept
 * in Redis) can be plugged in without touching the lane. Every decision the lane asks for is taken
 * in one place (`Lane#step`), so a decision that becomes asynchronous has one call site to change.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { RateInfo } from '../core/sink.js';
import type { CircuitGate } from '../resilience/circuit-breaker-options.js';
import type { CircuitState } from '../resilience/resilience-events.js';

/** Pacing of one destination (implemented by `RateLimiter`). */
export interface LaneLimiter {
  /** 0 when a send may go now, else the milliseconds to wait. Consumes nothing. */
  waitMs(): number;
  /** Takes one send slot; 0 when it was taken. */
  tryAcquire(): number;
  /** The most recent send was answered now. */
  complete(): void;
  /** What the server said about its window. */
  update(info: RateInfo): void;
  /** Pauses the whole destination (a Retry-After). */
  pauseFor(ms: number): void;
  /** Sends per ms the tightest limit sustains; undefined without limits. */
  ratePerMs(): number | undefined;
  /** Epoch ms at which the current pause ends, 0 when not paused. */
  readonly pausedUntil: number;
  /**
   * A limiter whose decisions take a round trip (shared with other processes) answers "wait" while
   * one is out and calls `wake` when it lands; the lane registers its pump here. Absent: decisions
   * are synchronous.
   */
  onDecision?(wake: () => void): void;
}

/** The circuit breaker of one destination (implemented by `CircuitBreaker`). */
export interface LaneBreaker {
  readonly state: CircuitState;
  /** Asks to send; a granted probe must end in onSuccess, onFailure or releaseProbe. */
  acquire(): CircuitGate;
  /** Milliseconds until acquire() could allow a send, without taking the probe slot. */
  waitMs(): number;
  onSuccess(): void;
  onFailure(): void;
  releaseProbe(): void;
  /** As {@link LaneLimiter.onDecision}, for a probe lease asked of other processes. */
  onDecision?(wake: () => void): void;
}

/** How failed sends are retried (implemented by `RetryPolicy`). */
export interface RetrySchedule {
  /** Sends that count, the first included; 1 means no retry. */
  readonly maxAttempts: number;
  /** Backoff before retry number `failures` (1 for the first retry). */
  delayFor(failures: number, previousDelayMs?: number): number;
}

/** Keeps retries a bounded share of first attempts (implemented by `RetryBudget`). */
export interface LaneRetryBudget {
  recordAttempt(): void;
  tryAcquireRetry(): boolean;
}

/** Cooldowns and storm digests of one destination (implemented by `NoiseControl`). */
export interface LaneNoise {
  /**
   * True when the record goes out now, false when it was merged into a digest to come, `'held'` when
   * the noise control keeps it while a decision about it is out (shared noise: a first occurrence
   * waiting for its claim). A held record comes back through the factory's `handOver` (it goes out)
   * or `repeated` (it was merged); the lane owes it until then, as a queued one.
   * @param backlogMs how long the lane's backlog takes to drain at the allowed rate (0 without limits)
   */
  admit(record: EventRecord, backlogMs: number): boolean | 'held';
  /** Closes every open window now and hands its digest, and every held record, over (at shutdown). */
  flush(): void;
}

/**
 * Builds a lane's noise control around the lane's way of taking records to send (digests, and held
 * records that go out), the pipeline's ids, the ledger's count of merged events that a digest sent
 * by another process carries, and the lane's way of taking held records that turned out repeats
 * (the last two for shared noise).
 */
export type NoiseFactory = (
  handOver: (records: readonly EventRecord[]) => void,
  nextId: () => number,
  countedElsewhere: (count: number) => void,
  repeated: (records: readonly EventRecord[]) => void,
) => LaneNoise;
