/**
 * The one owner of a destination's delivery state. Every delivery the destination accepts moves
 * through it, between the states it can wait in and into exactly one outcome:
 *
 * ```
 *  arrival ─┬─▶ held (a shared cooldown claim is out) ─┬─▶ queued (first occurrence)
 *           │                                          └─▶ merged (a repeat)
 *           ├─▶ merged (in a digest window) ─▶ queued (as part of the digest)
 *           │     └──▶ digested (counted in another process's digest: shared noise)
 *           ├─▶ queued ─▶ batched ─▶ inFlight ─┬─▶ delivered / digested
 *           │     ▲          ▲        │        ├─▶ dropped (reason)
 *           │     │          └─ waiting (retry)└─▶ dead-lettered (reason)
 *           └─▶ spilled (in the spool) ─┘ (fed back to queued)
 * ```
 *
 * It alone changes counts and bytes, publishes the per-record events, settles the spool and hands
 * dead letters on to the fallback. A `held` delivery is not settled: until the claim's answer says
 * whether it is sent or merged, it is owed like a queued one (journaled in durable mode, spooled or
 * dropped as `shutdown` at close), so a crash during the round trip loses no acknowledged event. `pending` is the sum of the state gauges, so
 * `accepted = delivered + digested + dropped + deadLettered + pending` holds by construction; what a
 * test can still catch is a gauge that disagrees with the structure it describes.
 * @module
 */
import type { OffpathError } from '../resilience/errors.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';
import type { OffpathEvents } from './events.js';
import { type DeadLetterReason, type DropReason, type LedgerSnapshot, Tally } from './ledger.js';
import { type Parcel, weightOf } from './parcel.js';
import type { SpillReason, SpoolLoss, SpoolPort } from './spool-port.js';

/**
 * Where a pending delivery waits. `merged` and `spilled` hold no memory; `held` is a record the noise
 * control keeps while a decision about it is out (a shared cooldown claim).
 */
export type Stage = 'held' | 'merged' | 'queued' | 'batched' | 'inFlight' | 'waiting' | 'spilled';

/** A stage, or `arrival` for a delivery accepted by this very call. */
export type From = Stage | 'arrival';

/** What the ledgers of one pipeline share. */
export interface LedgerContext {
  readonly events: TypedEmitter<OffpathEvents>;
  readonly spool?: SpoolPort | undefined;
  /** Receives what a destination dead-lettered, to hand it to its fallback. */
  readonly forward?: ((from: string, parcel: Parcel, reason: DeadLetterReason) => void) | undefined;
  /** Counts records delivered, for offpath's own throughput figure. */
  readonly delivered?: ((records: number) => void) | undefined;
}

const STAGES: readonly Stage[] = ['held', 'merged', 'queued', 'batched', 'inFlight', 'waiting', 'spilled'];

export class DeliveryLedger {
  readonly #destination: string;
  readonly #c: LedgerContext;
  readonly #tally = new Tally();
  readonly #weight: Record<Stage, number> = gauges();
  readonly #bytes: Record<Stage, number> = gauges();

  constructor(destination: string, context: LedgerContext) {
    this.#destination = destination;
    this.#c = context;
  }

  /** Deliveries not yet settled: the sum of every stage. */
  get pending(): number {
    let sum = 0;
    for (const s of STAGES) sum += this.#weight[s];
    return sum;
  }

  /** Deliveries held in memory, held for a decision, waiting to be sent or being sent (not merged, not spilled). */
  get inMemory(): number {
    return this.pending - this.#weight.merged - this.#weight.spilled;
  }

  /** Bytes held in memory: the only count of a destination's memory. */
  get bytes(): number {
    let sum = 0;
    for (const s of STAGES) sum += this.#bytes[s];
    return sum;
  }

  /** Deliveries waiting in one stage. */
  weightIn(stage: Stage): number {
    return this.#weight[stage];
  }

  /** Bytes held in one stage. */
  bytesIn(stage: Stage): number {
    return this.#bytes[stage];
  }

  snapshot(): LedgerSnapshot {
    return this.#tally.snapshot(this.pending, this.#weight.spilled);
  }

  /**
   * Moves a parcel between stages (from `arrival`: accepts it). Entering `held` or `queued` journals
   * it (once: a held parcel is journaled already when it is queued).
   */
  move(parcel: Parcel, from: From, to: Stage): void {
    this.#leave(parcel, from);
    this.#weight[to] += parcel.weight;
    if (holdsMemory(to)) this.#bytes[to] += parcel.bytes;
    if ((to === 'held' || to === 'queued') && from !== 'held') this.#journal(parcel);
    if (to === 'queued') this.#enqueued(parcel);
    // A merged event is acknowledged now: the digest that will carry its count is a record of its own.
    if (to === 'merged') this.#c.spool?.settle(this.#destination, parcel.records);
  }

  /** Formed messages leave the queue together; one `batched` event tells how many records and messages. */
  batched(messages: readonly Parcel[]): void {
    let records = 0;
    for (const m of messages) {
      this.move(m, 'queued', 'batched');
      records += m.records.length;
    }
    const { events } = this.#c;
    if (events.hasListeners('batched')) {
      events.emit('batched', { destination: this.#destination, records, messages: messages.length });
    }
  }

  /** Hands a parcel to the spool; false (and nothing changes) when there is none or it refuses. */
  spill(parcel: Parcel, from: From, reason: SpillReason): boolean {
    if (!this.#c.spool?.spill(this.#destination, parcel.records, reason)) return false;
    this.move(parcel, from, 'spilled');
    return true;
  }

  deliver(parcel: Parcel, from: Stage, latencyMs: number): void {
    this.#leave(parcel, from);
    let events = 0;
    let digested = 0;
    for (const r of parcel.records) {
      if (r.digest) digested += weightOf(r);
      else events++;
    }
    this.#tally.deliver(events, digested);
    this.#c.spool?.settle(this.#destination, parcel.records);
    this.#c.delivered?.(parcel.records.length);
    const { events: stream } = this.#c;
    if (stream.hasListeners('delivered')) {
      stream.emit('delivered', { destination: this.#destination, ids: ids(parcel), latencyMs });
    }
  }

  drop(parcel: Parcel, from: From, reason: DropReason): void {
    if (parcel.records.length === 0) return;
    this.#leave(parcel, from);
    this.#tally.drop(reason, parcel.weight);
    this.#c.spool?.settle(this.#destination, parcel.records);
    const { events } = this.#c;
    if (events.hasListeners('dropped')) {
      events.emit('dropped', { destination: this.#destination, reason, ids: ids(parcel) });
    }
  }

  deadLetter(
    parcel: Parcel,
    from: From,
    reason: DeadLetterReason,
    attempts: number,
    error: OffpathError | undefined,
  ): void {
    if (parcel.records.length === 0) return;
    this.#leave(parcel, from);
    this.#tally.deadLetter(reason, parcel.weight);
    const records = parcel.records;
    this.#c.spool?.deadLetter(this.#destination, records, reason, attempts, error);
    const { events } = this.#c;
    if (events.hasListeners('dead-lettered')) {
      events.emit('dead-lettered', { destination: this.#destination, reason, records, attempts, error });
    }
    this.#c.forward?.(this.#destination, parcel, reason);
  }

  /**
   * `count` merged events were added to a digest window another process owns: that process's digest
   * shows them, and here they end as digested without a message of their own.
   */
  digestedElsewhere(count: number): void {
    if (!(count > 0)) return;
    this.#weight.merged -= count;
    this.#tally.deliver(0, count);
  }

  /** The spool lost records on its own: this run's leave `spilled`, earlier runs' arrive; all are drops. */
  lostInSpool(loss: SpoolLoss): void {
    this.#weight.spilled -= loss.spilledHere;
    this.#tally.accept(loss.fromEarlierRuns);
    this.#tally.drop(loss.reason, loss.spilledHere + loss.fromEarlierRuns);
  }

  #leave(parcel: Parcel, from: From): void {
    if (from === 'arrival') {
      this.#tally.accept(parcel.weight);
      return;
    }
    this.#weight[from] -= parcel.weight;
    if (holdsMemory(from)) this.#bytes[from] -= parcel.bytes;
  }

  #journal(parcel: Parcel): void {
    const { spool } = this.#c;
    if (spool?.durable) for (const r of parcel.records) spool.journal(this.#destination, r);
  }

  #enqueued(parcel: Parcel): void {
    const { events } = this.#c;
    if (!events.hasListeners('enqueued')) return;
    for (const r of parcel.records) {
      events.emit('enqueued', { destination: this.#destination, id: r.id, level: r.level });
    }
  }
}

function holdsMemory(stage: Stage): boolean {
  return stage !== 'merged' && stage !== 'spilled';
}

function gauges(): Record<Stage, number> {
  return { held: 0, merged: 0, queued: 0, batched: 0, inFlight: 0, waiting: 0, spilled: 0 };
}

function ids(parcel: Parcel): number[] {
  return parcel.records.map((r) => r.id);
}
