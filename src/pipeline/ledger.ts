/**
 * The loss ledger. Every accepted delivery (one event for one destination) ends in exactly one terminal
 * state or is still pending, so `accepted = delivered + digested + dropped + deadLettered + pending`.
 * Pending is measured from the real queues, not derived, so a reconciliation check can fail.
 * @module
 */

/** Why a delivery was dropped. */
export type DropReason =
  | 'queue_full'
  | 'memory'
  | 'expired'
  | 'filtered'
  | 'sampled'
  | 'shutdown'
  | 'disabled'
  | 'spool_failed'
  | 'spool_full';

/** Why a delivery was dead-lettered. */
export type DeadLetterReason = 'rejected' | 'destination_gone' | 'retries_exhausted' | 'format_failed';

/** Counters of one ledger. */
export interface LedgerSnapshot {
  readonly accepted: number;
  readonly delivered: number;
  readonly digested: number;
  readonly dropped: number;
  readonly droppedBy: Readonly<Partial<Record<DropReason, number>>>;
  readonly deadLettered: number;
  readonly deadLetteredBy: Readonly<Partial<Record<DeadLetterReason, number>>>;
  /** Still to be delivered: in memory, or handed to the durable spool (`spooled`). */
  readonly pending: number;
  /** The part of `pending` that waits in the spool rather than in memory. */
  readonly spooled: number;
}

/** Mutable counters; `pending` is supplied by the owner when a snapshot is taken. */
export class Ledger {
  accepted = 0;
  delivered = 0;
  digested = 0;
  /** Handed to the spool and not yet taken back. */
  spooled = 0;
  #droppedBy: Partial<Record<DropReason, number>> = {};
  #deadBy: Partial<Record<DeadLetterReason, number>> = {};
  #dropped = 0;
  #dead = 0;

  drop(reason: DropReason, count = 1): void {
    this.#droppedBy[reason] = (this.#droppedBy[reason] ?? 0) + count;
    this.#dropped += count;
  }

  deadLetter(reason: DeadLetterReason, count = 1): void {
    this.#deadBy[reason] = (this.#deadBy[reason] ?? 0) + count;
    this.#dead += count;
  }

  /** @param inMemory records the owner still holds in memory */
  snapshot(inMemory: number): LedgerSnapshot {
    return {
      accepted: this.accepted,
      delivered: this.delivered,
      digested: this.digested,
      dropped: this.#dropped,
      droppedBy: { ...this.#droppedBy },
      deadLettered: this.#dead,
      deadLetteredBy: { ...this.#deadBy },
      pending: inMemory + this.spooled,
      spooled: this.spooled,
    };
  }
}

/** Adds ledger snapshots together (for totals). */
export function sumLedgers(parts: readonly LedgerSnapshot[]): LedgerSnapshot {
  const droppedBy: Partial<Record<DropReason, number>> = {};
  const deadLetteredBy: Partial<Record<DeadLetterReason, number>> = {};
  let accepted = 0;
  let delivered = 0;
  let digested = 0;
  let dropped = 0;
  let deadLettered = 0;
  let pending = 0;
  let spooled = 0;
  for (const p of parts) {
    spooled += p.spooled;
    accepted += p.accepted;
    delivered += p.delivered;
    digested += p.digested;
    dropped += p.dropped;
    deadLettered += p.deadLettered;
    pending += p.pending;
    for (const [k, v] of Object.entries(p.droppedBy)) {
      droppedBy[k as DropReason] = (droppedBy[k as DropReason] ?? 0) + v;
    }
    for (const [k, v] of Object.entries(p.deadLetteredBy)) {
      deadLetteredBy[k as DeadLetterReason] = (deadLetteredBy[k as DeadLetterReason] ?? 0) + v;
    }
  }
  return {
    accepted,
    delivered,
    digested,
    dropped,
    droppedBy,
    deadLettered,
    deadLetteredBy,
    pending,
    spooled,
  };
}

/** True when the snapshot reconciles exactly. */
export function reconciles(s: LedgerSnapshot): boolean {
  return s.accepted === s.delivered + s.digested + s.dropped + s.deadLettered + s.pending;
}
