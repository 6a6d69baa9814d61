/**
 * Where each record arriving at a destination goes: to the spool (behind older records waiting
 * there), into a digest (noise control), into the bounded queue (making room by the overflow
 * policy), or straight to an outcome when the lane is disabled or closed. Owns the lane's queue.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { CircuitOpenError, type OffpathError } from '../resilience/errors.js';
import type { DeliveryLedger, From } from './delivery-ledger.js';
import type { LaneNoise } from './lane-policies.js';
import { LaneQueue, type QueueEntry, toParcel } from './lane-queue.js';
import type { LaneContext, LaneSettings, LaneState } from './lane-settings.js';
import { makeRoom } from './overflow.js';
import { type Parcel, parcelOf } from './parcel.js';
import type { SpillReason, TakenRecord } from './spool-port.js';

/** What admission needs to know of its lane. */
export interface AdmissionHost {
  readonly state: LaneState;
  readonly disabledBy: OffpathError | undefined;
  /** Messages formed and waiting for a send. */
  readonly formed: number;
  /** Asks the lane to send what it can. */
  pump(): void;
}

/** Bytes a digest record is counted for. */
const DIGEST_BYTES = 2_048;

export class Admission {
  readonly queue = new LaneQueue();
  readonly #s: LaneSettings;
  readonly #c: LaneContext;
  readonly #ledger: DeliveryLedger;
  readonly #host: AdmissionHost;
  readonly #noise: LaneNoise | undefined;
  /** The bytes of each record the noise control holds (`held`): they leave that stage with them. */
  readonly #held = new Map<EventRecord, number>();

  constructor(settings: LaneSettings, context: LaneContext, ledger: DeliveryLedger, host: AdmissionHost) {
    this.#s = settings;
    this.#c = context;
    this.#ledger = ledger;
    this.#host = host;
    this.#noise = settings.noise?.(
      (records) => this.#handedOver(records),
      context.nextId,
      (count) => ledger.digestedElsewhere(count),
      (records) => this.#repeated(records),
    );
  }

  /**
   * A routed record. While older records of this destination wait in the spool (or its circuit is
   * open and the spool takes over then), it joins them there.
   * @param closing the pipeline is closing: the record goes to the spool or is dropped as `shutdown`
   */
  accept(record: EventRecord, bytes: number, closing: boolean): void {
    const parcel = parcelOf([record], [bytes]);
    if (closing) {
      this.shutdown(parcel, 'arrival');
      return;
    }
    if (this.#host.state === 'active' && this.handsOff()) {
      this.handOff(parcel, 'arrival', 0);
      return;
    }
    const spillAs = this.#host.state === 'active' ? this.#spillReason() : undefined;
    if (spillAs && this.#ledger.spill(parcel, 'arrival', spillAs)) return;
    this.#admit({ record, bytes }, parcel, 'arrival');
  }

  /** A record fed back from the spool. */
  takeBack(taken: TakenRecord): void {
    const entry = { record: taken.record, bytes: taken.bytes };
    this.#admit(entry, parcelOf([taken.record], [taken.bytes]), taken.spilledHere ? 'spilled' : 'arrival');
  }

  /** Sheds the oldest record of the lowest level, for the global memory budget (to the spool if it spills). */
  shedLowest(): boolean {
    const victim = this.queue.shedLowest();
    if (!victim) return false;
    const parcel = parcelOf([victim.record], [victim.bytes]);
    if (!(this.#s.overflow === 'spool' && this.#ledger.spill(parcel, 'queued', 'overflow'))) {
      this.#ledger.drop(parcel, 'queued', 'memory');
    }
    return true;
  }

  /** Closes every open digest window now (at shutdown, or when the destination is gone). */
  flushNoise(): void {
    this.#noise?.flush();
  }

  /** True while the circuit is open and the destination hands what it gets to its fallback. */
  handsOff(): boolean {
    return this.#s.handOffWhenOpen === true && this.#s.breaker.state === 'open';
  }

  /** Dead-letters as `circuit_open`, which hands the records to the fallback. */
  handOff(parcel: Parcel, from: From, attempts: number): void {
    const error = new CircuitOpenError(`the circuit of ${this.#s.name} is open: handed to its fallback`);
    this.#ledger.deadLetter(parcel, from, 'circuit_open', attempts, error);
  }

  /** To the spool as `shutdown`, else dropped as `shutdown`. */
  shutdown(parcel: Parcel, from: From): void {
    if (!this.#ledger.spill(parcel, from, 'shutdown')) this.#ledger.drop(parcel, from, 'shutdown');
  }

  #admit(entry: QueueEntry, parcel: Parcel, from: From): void {
    if (this.#settled(parcel, from)) return;
    const verdict = this.#noise ? this.#noise.admit(entry.record, this.#backlogMs()) : true;
    if (verdict === 'held') {
      this.#held.set(entry.record, entry.bytes);
      this.#ledger.move(parcel, from, 'held');
    } else if (!verdict) this.#ledger.move(parcel, from, 'merged');
    else if (this.#hold(entry, parcel, from)) this.#host.pump();
  }

  /** A disabled or closed lane takes nothing in: the record reaches its outcome at once. */
  #settled(parcel: Parcel, from: From): boolean {
    const { state, disabledBy } = this.#host;
    if (state === 'disabled') this.#ledger.deadLetter(parcel, from, 'destination_gone', 0, disabledBy);
    else if (state === 'closed') this.shutdown(parcel, from);
    return state !== 'active';
  }

  /** Queues an entry without pumping; false when it did not fit (then it was settled). */
  #hold(entry: QueueEntry, parcel: Parcel, from: From): boolean {
    const bounds = { maxItems: this.#s.maxQueueItems, maxBytes: this.#s.maxQueueBytes };
    // A held record's bytes are in the lane's count already: queuing it adds nothing to them.
    const heldBytes = this.#ledger.bytes - (from === 'held' ? entry.bytes : 0);
    const room = makeRoom(this.queue, heldBytes, bounds, entry, this.#s.overflow);
    this.#ledger.drop(toParcel(room.victims), 'queued', 'queue_full');
    if (room.admit) {
      this.queue.push(entry);
      this.#ledger.move(parcel, from, 'queued');
    } else if (!(this.#s.overflow === 'spool' && this.#ledger.spill(parcel, from, 'overflow'))) {
      this.#ledger.drop(parcel, from, 'queue_full');
    }
    return room.admit;
  }

  /**
   * Records to send from the noise control: digests (of merged events) and held records that go out.
   * Records handed over together are all queued before the lane pumps, so they share messages. The
   * lane pumps even when none was queued: records it held for a decision may be settled now.
   */
  #handedOver(records: readonly EventRecord[]): void {
    for (const record of records) {
      const held = this.#held.get(record);
      if (held !== undefined) this.#held.delete(record);
      const from = held === undefined ? 'merged' : 'held';
      const bytes = held ?? DIGEST_BYTES;
      const parcel = parcelOf([record], [bytes]);
      if (!this.#settled(parcel, from)) this.#hold({ record, bytes }, parcel, from);
    }
    this.#host.pump();
  }

  /** Held records that turned out repeats: merged into a digest to come (which settles them). */
  #repeated(records: readonly EventRecord[]): void {
    for (const record of records) {
      const bytes = this.#held.get(record);
      if (bytes === undefined) continue;
      this.#held.delete(record);
      this.#ledger.move(parcelOf([record], [bytes]), 'held', 'merged');
    }
  }

  /** How long the backlog takes to drain at the allowed rate (0 without limits). */
  #backlogMs(): number {
    const rate = this.#s.limiter.ratePerMs();
    if (rate === undefined) return 0;
    return (Math.ceil(this.queue.count / this.#s.maxBatchSize) + this.#host.formed) / rate;
  }

  #spillReason(): SpillReason | undefined {
    const spool = this.#c.spool;
    if (!spool) return undefined;
    // Records of this destination already wait on disk: keep the order behind them.
    if (spool.backlog(this.#s.name) > 0) return 'overflow';
    return spool.whenBreakerOpen && this.#s.breaker.state === 'open' ? 'breaker-open' : undefined;
  }
}
