/**
 * One destination's lane, a scheduler: records come in through its {@link Admission}; it forms
 * batches when a send can go, sends them through the destination's policies (`lane-policies.ts`)
 * with a deadline, applies each result (`settle-send.ts`), and owns the timers and the lifecycle.
 * Where every record stands is kept by its {@link DeliveryLedger}. Lanes share nothing, so a dead,
 * slow or rate-limited destination never delays another one.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { type OffpathError, SinkFailedError } from '../resilience/errors.js';
import { Admission } from './admission.js';
import { Alarm } from './alarm.js';
import { packMessages, takeBatch } from './batcher.js';
import { DeliveryLedger, type Stage } from './delivery-ledger.js';
import { IdleWaiters } from './idle-waiters.js';
import { toParcel } from './lane-queue.js';
import type { LaneContext, LaneSettings, LaneState } from './lane-settings.js';
import { Outbox, type OutboxItem } from './outbox.js';
import type { Parcel } from './parcel.js';
import { Sender } from './sender.js';
import type { TakenRecord } from './spool-port.js';

/** How soon a retry the budget refused is asked for again. */
const BUDGET_RECHECK_MS = 1_000;

export class Lane {
  readonly name: string;
  readonly ledger: DeliveryLedger;
  readonly #s: LaneSettings;
  readonly #c: LaneContext;
  readonly #in: Admission;
  readonly #outbox: Outbox;
  readonly #wake: Alarm;
  readonly #batchTimer: Alarm;
  readonly #out: Sender;
  readonly #idleWaiters = new IdleWaiters();
  #state: LaneState = 'active';
  #disabledBy: OffpathError | undefined;
  #flushing = 0;
  #batchDue = false;
  #pumping = false;
  #repump = false;

  constructor(settings: LaneSettings, context: LaneContext) {
    this.#s = settings;
    this.#c = context;
    this.name = settings.name;
    this.ledger = new DeliveryLedger(settings.name, context);
    this.#outbox = new Outbox(settings.concurrency <= 1);
    this.#wake = new Alarm(context.clock, () => this.pump());
    this.#batchTimer = new Alarm(context.clock, () => {
      this.#batchDue = true;
      this.pump();
    });
    this.#in = new Admission(settings, context, this.ledger, this);
    this.#out = new Sender(settings, context, { ledger: this.ledger, outbox: this.#outbox, host: this });
    // A decision shared with other processes lands after a round trip: it wakes the lane.
    settings.limiter.onDecision?.(() => this.pump());
    settings.breaker.onDecision?.(() => this.pump());
  }

  get state(): LaneState {
    return this.#state;
  }

  /** Why the lane was disabled, while it is. */
  get disabledBy(): OffpathError | undefined {
    return this.#disabledBy;
  }

  /** Messages formed and waiting for a send. */
  get formed(): number {
    return this.#outbox.size;
  }

  get queueDepth(): number {
    return this.#in.queue.count;
  }

  /** Epoch ms of the oldest record still held in memory, if any. */
  oldestTime(): number | undefined {
    const queued = this.#in.queue.oldestTime();
    const batched = this.#outbox.oldest;
    return queued === undefined || (batched !== undefined && batched < queued) ? batched : queued;
  }

  /** True while the lane still sends: it holds records in memory and is active. */
  get busy(): boolean {
    return !this.#idle();
  }

  /** Lowest level rank held in the queue (for global shedding), -1 when empty. */
  lowestRank(): number {
    return this.#in.queue.lowestRank();
  }

  /** Accepts one routed record; synchronous (see {@link Admission.accept}). */
  accept(record: EventRecord, bytes: number, closing = false): void {
    this.#in.accept(record, bytes, closing);
  }

  /** Takes back a record fed from the spool. */
  takeBack(taken: TakenRecord): void {
    this.#in.takeBack(taken);
  }

  /** Sheds one queued record for the global memory budget; false when the queue is empty. */
  shedLowest(): boolean {
    return this.#in.shedLowest();
  }

  /** Re-enables a disabled lane (after `enable(name)` or a config change). */
  enable(): void {
    if (this.#state !== 'disabled') return;
    this.#state = 'active';
    this.#disabledBy = undefined;
    this.pump();
  }

  /**
   * Resolves when nothing is held in memory; partial batches go at once meanwhile. With `final`, open
   * digest windows close now too (at shutdown), so merged events get their digest before the deadline.
   */
  async flush(signal: AbortSignal, final = false): Promise<void> {
    if (final) this.#in.flushNoise();
    this.#flushing++;
    try {
      this.pump();
      if (!this.#idle()) await this.#idleWaiters.wait(signal);
    } finally {
      this.#flushing--;
    }
  }

  /**
   * Stops the lane: what is still held is handed to the spool (reason `shutdown`) or counted as
   * dropped:shutdown. In-flight sends are aborted and settled before this resolves.
   */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    // Closed first: what the noise control hands over now (digests, records held for a claim) goes
    // to its shutdown outcome at once rather than into a send that the abort below cuts off.
    this.#in.flushNoise();
    this.#wake.clear();
    this.#batchTimer.clear();
    this.#out.abort();
    // containedSend resolves at once on abort; its settlement puts the message back in the outbox.
    while (this.#out.inFlight > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    this.#settleHeld((parcel, from) => this.#in.shutdown(parcel, from));
    await Promise.resolve(this.#s.sink.close?.()).catch((error: unknown) => {
      this.#c.report(error, { destination: this.name, phase: 'close' });
    });
  }

  /** Runs the lane until it has to wait. Re-entrant calls are folded into the running one. */
  pump(): void {
    if (this.#pumping) {
      this.#repump = true;
      return;
    }
    this.#pumping = true;
    const started = performance.now();
    try {
      do {
        this.#repump = false;
        this.#step();
      } while (this.#repump);
    } catch (error) {
      this.#c.report(error, { destination: this.name, phase: 'pump' });
    } finally {
      this.#pumping = false;
      this.#c.worked?.(performance.now() - started);
    }
  }

  /** Every decision to send is taken here: what is due, the limiter, the retry budget, the breaker. */
  #step(): void {
    const { limiter, breaker, retryBudget } = this.#s;
    // An open circuit hands what the lane holds to the fallback rather than let it wait.
    if (this.#in.handsOff())
      this.#settleHeld((parcel, from, attempts) => this.#in.handOff(parcel, from, attempts));
    let retries = true;
    while (this.#state === 'active' && this.#out.inFlight < this.#s.concurrency) {
      const now = this.#c.clock.now();
      const next = this.#outbox.next(now, retries);
      if (!next?.item) {
        if (next) this.#wake.within(next.waitMs);
        if (this.#in.queue.count === 0 || this.#outbox.blocked || !this.#mayForm(now)) break;
        this.#form(now);
        continue;
      }
      const item = next.item;
      if (now - item.oldest > this.#s.maxEventAgeMs) {
        this.#outbox.take(item);
        if (item.attempts === 0) this.ledger.drop(item, item.stage, 'expired');
        else this.ledger.deadLetter(item, item.stage, 'retries_exhausted', item.attempts, undefined);
        continue;
      }
      // The breaker first: a shared limiter counts a send when asked, and an open circuit sends nothing.
      const wait = breaker.waitMs() || limiter.waitMs();
      if (wait > 0) {
        this.#wake.within(wait);
        break;
      }
      const gate = breaker.acquire();
      if (!gate.allowed) {
        this.#wake.within(gate.retryAfterMs);
        break;
      }
      const ping = gate.probe ? this.#s.sink.ping : undefined;
      if (ping) {
        // The probe is a cheap request of its own: the batches wait for its answer.
        this.#out.ping((ctx) => ping.call(this.#s.sink, ctx));
        continue;
      }
      // A probe is one request at a time by the breaker's own rule: the retry budget is for the rest.
      if (!gate.probe && item.failures > 0 && !retryBudget.tryAcquireRetry()) {
        // The retry budget is spent: a dead destination must not turn into a retry storm.
        this.#wake.within(BUDGET_RECHECK_MS);
        retries = false;
        continue;
      }
      limiter.tryAcquire();
      this.#outbox.take(item);
      this.#out.send(item, gate.probe);
    }
    this.#checkIdle();
  }

  /**
   * Batches form only when a send can go now: while the destination makes us wait, records accumulate
   * and the next message carries more of them. A partial batch waits for the batch timer (armed by the
   * first record, never reset) unless the lane has been idle or a flush is running. The batch is
   * checked before the limiter is asked: a shared limiter counts a send when asked, so it is asked
   * only for a batch that goes.
   */
  #mayForm(now: number): boolean {
    const { limiter, breaker, maxBatchSize, maxBatchBytes, maxBatchDelayMs } = this.#s;
    const full = this.#in.queue.count >= maxBatchSize || this.ledger.bytesIn('queued') >= maxBatchBytes;
    if (!(full || this.#batchDue || this.#flushing > 0 || now - this.#out.lastSendAt >= maxBatchDelayMs)) {
      this.#batchTimer.once(maxBatchDelayMs);
      return false;
    }
    const wait = breaker.waitMs() || limiter.waitMs();
    if (wait > 0) {
      this.#wake.within(wait);
      return false;
    }
    return true;
  }

  #form(now: number): void {
    this.#batchTimer.clear();
    this.#batchDue = false;
    const { maxBatchSize: maxRecords, maxBatchBytes: maxBytes, maxEventAgeMs: maxAgeMs } = this.#s;
    const { batch, expired } = takeBatch(this.#in.queue, { maxRecords, maxBytes, maxAgeMs }, now);
    this.ledger.drop(toParcel(expired), 'queued', 'expired');
    if (batch.length === 0) return;
    let items: OutboxItem[];
    try {
      items = packMessages(this.#s.sink, batch);
    } catch (error) {
      const cause = new SinkFailedError('sink could not format the batch', { cause: error });
      this.ledger.deadLetter(toParcel(batch), 'queued', 'format_failed', 0, cause);
      return;
    }
    this.ledger.batched(items);
    for (const item of items) this.#outbox.add(item);
  }

  /** The destination is gone: stop, and dead-letter what is held (see {@link enable}). */
  disable(error: OffpathError | undefined): void {
    this.#state = 'disabled';
    this.#disabledBy = error;
    this.#wake.clear();
    this.#batchTimer.clear();
    this.#in.flushNoise();
    if (error && this.#c.events.hasListeners('destination-disabled')) {
      this.#c.events.emit('destination-disabled', { destination: this.name, error });
    }
    this.#settleHeld((parcel, from, n) => this.ledger.deadLetter(parcel, from, 'destination_gone', n, error));
    this.#checkIdle();
  }

  /** Hands everything held in memory and not in flight to `settle`, in send order. */
  #settleHeld(settle: (parcel: Parcel, from: Stage, attempts: number) => void): void {
    for (const item of this.#outbox.drain()) settle(item, item.stage, item.attempts);
    const entries = this.#in.queue.drain();
    if (entries.length > 0) settle(toParcel(entries), 'queued', 0);
  }

  /**
   * Nothing to wait for: nothing in memory (which counts records held for a decision), or the lane no
   * longer sends. Merged events wait for their window.
   */
  #idle(): boolean {
    return this.ledger.inMemory === 0 || this.#state !== 'active';
  }

  #checkIdle(): void {
    this.#idleWaiters.release(() => this.#idle());
  }
}
