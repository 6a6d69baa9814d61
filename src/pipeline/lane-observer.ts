/**
 * What a lane reports to the pipeline that owns it. Keeping this an interface lets the lane stay free
 * of the spool, the event stream and the memory budget.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { OffpathError } from '../resilience/errors.js';
import type { DeadLetterReason, DropReason } from './ledger.js';

/** Why records are handed to the spool. */
export type SpillReason = 'overflow' | 'shutdown' | 'breaker-open';

/** Callbacks from a lane. None of them may throw (the pipeline guarantees it). */
export interface LaneObserver {
  enqueued(destination: string, record: EventRecord): void;
  /** Noise control merged the record into a digest; it will be counted when the digest settles. */
  merged(destination: string, record: EventRecord): void;
  batched(destination: string, records: number, messages: number): void;
  delivered(destination: string, records: readonly EventRecord[], latencyMs: number): void;
  dropped(destination: string, records: readonly EventRecord[], reason: DropReason): void;
  deadLettered(
    destination: string,
    records: readonly EventRecord[],
    reason: DeadLetterReason,
    attempts: number,
    error: OffpathError | undefined,
  ): void;
  /** Hands records to the spool; false when there is none (the lane then counts them as dropped). */
  spill(destination: string, records: readonly EventRecord[], reason: SpillReason): boolean;
  disabled(destination: string, error: OffpathError): void;
  requestStart(destination: string, attempt: number): void;
  requestSuccess(destination: string, attempt: number, latencyMs: number): void;
  requestFailure(destination: string, attempt: number, latencyMs: number, error: OffpathError): void;
  retry(destination: string, attempt: number, delayMs: number, error: OffpathError): void;
  rateLimited(destination: string, waitMs: number, source: 'proactive' | 'retry-after'): void;
  /** The lane spent `ms` of CPU time on its own work (formatting, settling), outside routing. */
  worked(ms: number): void;
  /** Memory held by lanes grew (positive) or shrank (negative). */
  bytesChanged(delta: number): void;
  error(error: unknown, context: { destination?: string; phase: string }): void;
}
