/**
 * The loss ledger's vocabulary. Every accepted delivery (one event for one destination) ends in exactly
 * one terminal state or is still pending, so `accepted = delivered + digested + dropped + deadLettered +
 * pending`. A destination's pending is the sum of its state gauges ({@link DeliveryLedger}).
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
  | 'spool_failed'
  | 'spool_full';

/**
 * Why a delivery was dead-lettered. `circuit_open`: the destination's circuit was open and the
 * delivery was handed to its fallback.
 */
export type DeadLetterReason =
  | 'rejected'
  | 'destination_gone'
  | 'retries_exhausted'
  | 'format_failed'
  | 'circuit_open';

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

/**
 * The outcome counters of a ledger: what was accepted and how it ended. Gauges of what is still
 * pending belong to the owner ({@link DeliveryLedger} for a destination).
 */
export class Tally {
  #accepted = 0;
  #delivered = 0;
  #digested = 0;
  #droppedBy: Partial<Record<DropReason, number>> = {};
  #deadBy: Partial<Record<DeadLetterReason, number>> = {};
  #dropped = 0;
  #dead = 0;

  accept(count: number): void {
    this.#accepted += count;
  }

  /** Delivered records; a digest's merged events count as digested. */
  deliver(events: number, digested: number): void {
    this.#delivered += events;
    this.#digested += digested;
  }

  drop(reason: DropReason, count: number): void {
    this.#droppedBy[reason] = (this.#droppedBy[reason] ?? 0) + count;
    this.#dropped += count;
  }

  deadLetter(reason: DeadLetterReason, count: number): void {
    this.#deadBy[reason] = (this.#deadBy[reason] ?? 0) + count;
    this.#dead += count;
  }

  /** The counters with the owner's gauges: `pending` (all of it) and the part `spooled`. */
  snapshot(pending: number, spooled: number): LedgerSnapshot {
    return {
      accepted: this.#accepted,
      delivered: this.#delivered,
      digested: this.#digested,
      dropped: this.#dropped,
      droppedBy: { ...this.#droppedBy },
      deadLettered: this.#dead,
      deadLetteredBy: { ...this.#deadBy },
      pending,
      spooled,
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
