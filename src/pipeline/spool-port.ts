/**
 * What the pipeline needs from a durable spool. The pipeline only knows this seam; the SQLite
 * implementation lives in `spool/` and is wired in by the instance.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { OffpathError } from '../resilience/errors.js';
import type { DeadLetterReason } from './ledger.js';

/** Why records are handed to the spool. */
export type SpillReason = 'overflow' | 'shutdown' | 'breaker-open';

/** Why the spool lost records on its own. */
export type SpoolLossReason = 'expired' | 'spool_full' | 'spool_failed';

/** A record taken from the spool to be fed to its destination again. */
export interface TakenRecord {
  readonly record: EventRecord;
  readonly bytes: number;
  /** True when this run spilled it (its ledger counts it as spooled), false for earlier runs' records. */
  readonly spilledHere: boolean;
}

/** Records lost by the spool, to be counted by the destination's ledger. */
export interface SpoolLoss {
  readonly destination: string;
  readonly reason: SpoolLossReason;
  /** Records this run had counted as spooled. */
  readonly spilledHere: number;
  /** Records of earlier runs (never counted by this run until now). */
  readonly fromEarlierRuns: number;
}

/** Where spilled, journaled and dead-lettered records go when a spool is configured. */
export interface SpoolPort {
  /** Every accepted delivery is journaled as it is enqueued and removed once it settles. */
  readonly durable: boolean;
  /** Deliveries for a destination whose circuit is open are spilled instead of queued. */
  readonly whenBreakerOpen: boolean;
  /** Hands records over; false when the spool cannot take them (the caller then counts a drop). */
  spill(destination: string, records: readonly EventRecord[], reason: SpillReason): boolean;
  /** Keeps a copy of an enqueued record until it settles (durable mode). */
  journal(destination: string, record: EventRecord): void;
  /** The records reached a terminal state: their spool copies can go. */
  settle(destination: string, records: readonly EventRecord[]): void;
  deadLetter(
    destination: string,
    records: readonly EventRecord[],
    reason: DeadLetterReason,
    attempts: number,
    error: OffpathError | undefined,
  ): void;
  /** Records of a destination waiting in the spool to be fed back. */
  backlog(destination: string): number;
  /**
   * Takes up to `max` waiting records of a destination, oldest first, giving each a fresh id from
   * `nextId`. Expired or unreadable ones are removed and reported through the loss listener.
   */
  take(destination: string, max: number, nextId: () => number): TakenRecord[];
  /** Receives the spool's own losses (size cap, expiry, write failures). */
  onLoss(listener: (loss: SpoolLoss) => void): void;
}

/**
 * Strict durable mode (`spool: { durable: 'sync' }`): what `emit()` hands each event to before it
 * returns. The implementation writes the event, normalised and redacted, to a journal in the
 * operating system, and gives back what the intake should hold in its place.
 */
export interface EmitJournal {
  /** The item to queue instead of `event`, or undefined when the journal could not take it. */
  accept(event: unknown, time: number): unknown;
}
