/**
 * One destination's lane: bounded queue → noise control → batcher → formatter → paced,
 * breaker-guarded, retried sends. Lanes share nothing, so a dead, slow or rate-limited destination
 * never delays another one.
 *
 * Invariant: every delivery the lane accepted is, at any instant, in exactly one of: merged in an open
 * digest window, the queue, the outbox (formatted, waiting), in flight, or a terminal state counted in
 * the ledger. A digest record weighs as many deliveries as it merged.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { levelRank } from '../core/level.js';
import type { OutgoingMessage, SendResult, Sink } from '../core/sink.js';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { Clock, TimerHandle } from '../resilience/clock.js';
import { type OffpathError, SinkFailedError } from '../resilience/errors.js';
import type { RateLimiter } from '../resilience/rate-limiter.js';
import type { RetryBudget } from '../resilience/retry-budget.js';
import type { RetryPolicy } from '../resilience/retry-policy.js';
import { containedSend } from './contained-send.js';
import { Deque } from './deque.js';
import type { LaneObserver } from './lane-observer.js';
import { LaneQueue, totalWeight } from './lane-queue.js';
import { type DeadLetterReason, type DropReason, Ledger, type LedgerSnapshot } from './ledger.js';
import { NoiseControl, type NoiseSettings } from './noise-control.js';
import { settleSend } from './settle-send.js';

/** What happens when a lane's queue is full. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'spool';

/** Resolved settings of one lane. */
export interface LaneSettings {
  readonly name: string;
  readonly sink: Sink;
  readonly clock: Clock;
  readonly maxQueueItems: number;
  readonly maxQueueBytes: number;
  readonly overflow: OverflowPolicy;
  readonly maxBatchSize: number;
  readonly maxBatchDelayMs: number;
  readonly sendTimeoutMs: number;
  readonly maxEventAgeMs: number;
  readonly retryAfterCapMs: number;
  /** Wait applied on a 429 that did not say how long. */
  readonly defaultRateLimitWaitMs: number;
  readonly retry: RetryPolicy;
  readonly budget: RetryBudget;
  readonly breaker: CircuitBreaker;
  readonly limiter: RateLimiter;
  readonly observer: LaneObserver;
  /** Cooldowns and storm digests; undefined sends every event as it comes. */
  readonly noise?: NoiseSettings | undefined;
  /** Ids for the digest records the lane creates. */
  readonly nextId?: () => number;
}

/** Lifecycle of a lane. */
export type LaneState = 'active' | 'disabled' | 'closed';

/** A formatted message waiting for, or in, a send. */
export interface OutboxItem {
  readonly message: OutgoingMessage;
  readonly oldest: number;
  /** Bytes released when this item completes (its records' share of the lane's memory). */
  readonly bytes: number;
  /** Deliveries this message completes. */
  readonly weight: number;
  attempts: number;
  failures: number;
  notBefore: number;
  lastDelayMs: number;
}

const DIGEST_BYTES = 2_048;

export class Lane {
  readonly name: string;
  readonly ledger = new Ledger();
  readonly #s: LaneSettings;
  readonly #queue = new LaneQueue();
  readonly #outbox = new Deque<OutboxItem>();
  readonly #noise: NoiseControl | undefined;
  readonly #concurrency: number;
  readonly #closeController = new AbortController();
  readonly #idleWaiters: Array<() => void> = [];
  #state: LaneState = 'active';
  #outboxWeight = 0;
  #outboxBytes = 0;
  #inFlight = 0;
  #inFlightWeight = 0;
  #inFlightBytes = 0;
  #flushing = 0;
  #lastSendAt = Number.NEGATIVE_INFINITY;
  #batchTimer: TimerHandle | undefined;
  #batchDue = false;
  #wakeTimer: TimerHandle | undefined;
  #wakeAt = Number.POSITIVE_INFINITY;
  #pumping = false;
  #repump = false;
  #disabledBy: OffpathError | undefined;

  constructor(settings: LaneSettings) {
    this.#s = settings;
    this.name = settings.name;
    this.#concurrency = Math.max(1, Math.floor(settings.sink.concurrency ?? 1));
    let digestIds = 0;
    const nextId = settings.nextId ?? (() => --digestIds);
    this.#noise = settings.noise
      ? new NoiseControl(settings.noise, settings.clock, (d) => this.#enqueueDigests(d), nextId)
      : undefined;
  }

  get state(): LaneState {
    return this.#state;
  }

  /** Why the lane was disabled, when it was. */
  get disabledBy(): OffpathError | undefined {
    return this.#disabledBy;
  }

  /** Deliveries still to be settled: merged in open digests, queued, formatted or in flight. */
  get pending(): number {
    return (this.#noise?.held ?? 0) + this.#queue.weight + this.#outboxWeight + this.#inFlightWeight;
  }

  /** Bytes held in memory by this lane (approximate). */
  get bytes(): number {
    return this.#queue.bytes + this.#outboxBytes + this.#inFlightBytes;
  }

  get queueDepth(): number {
    return this.#queue.count;
  }

  /** True while storm mode merges new events into digests. */
  get storming(): boolean {
    return this.#noise?.storming ?? false;
  }

  /** Epoch ms of the oldest record still held, if any. */
  oldestTime(): number | undefined {
    const fromQueue = this.#queue.oldestTime();
    const head = this.#outbox.peek();
    if (head && (fromQueue === undefined || head.oldest < fromQueue)) return head.oldest;
    return fromQueue;
  }

  /** Lowest level rank held in the queue (for global shedding), -1 when empty. */
  lowestRank(): number {
    return this.#queue.lowestRank();
  }

  snapshot(): LedgerSnapshot {
    return this.ledger.snapshot(this.pending);
  }

  /**
   * Accepts one delivery. Synchronous; formatting and sending happen in {@link pump}.
   * @param fromSpool true when the record is one this lane spilled and now takes back
   */
  enqueue(record: EventRecord, bytes: number, fromSpool = false): void {
    // A record this lane spilled earlier was accepted then; it moves from spooled back to memory.
    if (fromSpool) this.ledger.spooled -= totalWeight([record]);
    else this.ledger.accepted++;
    if (this.#state === 'disabled') {
      this.#deadLetter([record], 'destination_gone', 0, this.#disabledBy);
      return;
    }
    if (this.#state === 'closed') {
      this.#shutdown([record]);
      return;
    }
    if (this.#noise && !this.#noise.admit(record, this.#overloaded())) {
      this.#s.observer.merged(this.name, record);
      return;
    }
    this.#push(record, bytes);
  }

  /** Sheds the oldest record of the lowest level, for the global memory budget (to the spool if it spills). */
  shedLowest(): boolean {
    const victim = this.#queue.shedLowest();
    if (!victim) return false;
    this.#s.observer.bytesChanged(-victim.bytes);
    if (this.#s.overflow === 'spool' && this.#s.observer.spill(this.name, [victim.record], 'overflow')) {
      this.ledger.spooled += totalWeight([victim.record]);
    } else {
      this.#drop([victim.record], 'memory');
    }
    return true;
  }

  /** Re-enables a disabled lane (after `enable(name)` or a config change). */
  enable(): void {
    if (this.#state !== 'disabled') return;
    this.#state = 'active';
    this.#disabledBy = undefined;
    this.pump();
  }

  /**
   * Resolves when nothing is pending; partial batches go at once meanwhile. With `final`, open digest
   * windows close now too (at shutdown), so merged events get their digest before the deadline.
   */
  async flush(signal: AbortSignal, final = false): Promise<void> {
    if (final) this.#noise?.flush();
    this.#flushing++;
    try {
      this.pump();
      await this.#idle(signal);
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
    this.#noise?.flush();
    this.#state = 'closed';
    this.#clearTimers();
    this.#closeController.abort();
    this.#shutdown(this.#takeAllHeld());
    // containedSend resolves at once on abort; give its settlement a turn to land in the ledger.
    while (this.#inFlight > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    await Promise.resolve(this.#s.sink.close?.()).catch((error: unknown) => {
      this.#s.observer.error(error, { destination: this.name, phase: 'close' });
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
      this.#s.observer.error(error, { destination: this.name, phase: 'pump' });
    } finally {
      this.#pumping = false;
      this.#s.observer.worked(performance.now() - started);
    }
  }

  #step(): void {
    const { limiter, breaker, clock } = this.#s;
    while (this.#state === 'active' && this.#inFlight < this.#concurrency) {
      const item = this.#outbox.peek();
      const now = clock.now();
      if (!item) {
        if (this.#queue.count === 0) break;
        // Batches form only when a send can go now: while the destination makes us wait, records
        // accumulate and the next message carries more of them.
        const wait = Math.max(limiter.waitMs(), breaker.waitMs());
        if (wait > 0) {
          this.#wakeIn(wait);
          return;
        }
        const idle = now - this.#lastSendAt >= this.#s.maxBatchDelayMs;
        if (this.#queue.count < this.#s.maxBatchSize && !this.#batchDue && this.#flushing === 0 && !idle) {
          this.#armBatchTimer();
          return;
        }
        this.#formBatch(now);
        continue;
      }
      if (now - item.oldest > this.#s.maxEventAgeMs) {
        this.#outbox.shift();
        this.#release(item);
        if (item.attempts > 0) this.#deadLetter(item.message.records, 'retries_exhausted', item.attempts);
        else this.#drop(item.message.records, 'expired');
        continue;
      }
      const wait = Math.max(item.notBefore - now, limiter.waitMs());
      if (wait > 0) {
        this.#wakeIn(wait);
        return;
      }
      if (item.failures > 0 && !this.#s.budget.tryAcquireRetry()) {
        // The retry budget is spent: a dead destination must not turn into a retry storm.
        this.#wakeIn(Math.min(this.#s.retry.options.maxDelayMs, 1_000));
        return;
      }
      const gate = breaker.acquire();
      if (!gate.allowed) {
        this.#wakeIn(gate.retryAfterMs);
        return;
      }
      limiter.tryAcquire();
      this.#outbox.shift();
      this.#send(item, gate.probe);
    }
    this.#checkIdle();
  }

  #formBatch(now: number): void {
    this.#clearBatchTimer();
    this.#batchDue = false;
    const batch: EventRecord[] = [];
    const bytesById = new Map<number, number>();
    while (batch.length < this.#s.maxBatchSize) {
      const entry = this.#queue.shift();
      if (!entry) break;
      if (now - entry.record.time > this.#s.maxEventAgeMs) {
        this.#s.observer.bytesChanged(-entry.bytes);
        this.#drop([entry.record], 'expired');
        continue;
      }
      batch.push(entry.record);
      bytesById.set(entry.record.id, entry.bytes);
    }
    if (batch.length === 0) return;
    let messages: readonly OutgoingMessage[];
    try {
      messages = this.#s.sink.format(batch);
      assertCovers(messages, batch);
    } catch (error) {
      let bytes = 0;
      for (const b of bytesById.values()) bytes += b;
      this.#s.observer.bytesChanged(-bytes);
      this.#deadLetter(
        batch,
        'format_failed',
        0,
        new SinkFailedError('sink could not format the batch', { cause: error }),
      );
      return;
    }
    for (const message of messages) {
      let bytes = 0;
      let oldest = Number.POSITIVE_INFINITY;
      for (const r of message.records) {
        bytes += bytesById.get(r.id) ?? 0;
        oldest = Math.min(oldest, r.time);
      }
      if (oldest === Number.POSITIVE_INFINITY) oldest = batch[0]!.time;
      const weight = totalWeight(message.records);
      this.#outbox.push({
        message,
        oldest,
        bytes,
        weight,
        attempts: 0,
        failures: 0,
        notBefore: 0,
        lastDelayMs: 0,
      });
      this.#outboxWeight += weight;
      this.#outboxBytes += bytes;
    }
    this.#s.observer.batched(this.name, batch.length, messages.length);
  }

  #send(item: OutboxItem, probe: boolean): void {
    this.#moveToFlight(item, 1);
    this.#inFlight++;
    this.#lastSendAt = this.#s.clock.now();
    item.attempts++;
    if (item.failures === 0) this.#s.budget.recordAttempt();
    const started = this.#s.clock.now();
    this.#s.observer.requestStart(this.name, item.attempts);
    containedSend(
      this.#s.sink,
      item.message.payload,
      this.#s.sendTimeoutMs,
      this.#s.clock,
      this.#closeController.signal,
    )
      .then((result) => {
        this.#inFlight--;
        this.#moveToFlight(item, -1);
        try {
          this.#settle(item, result, this.#s.clock.now() - started, probe);
        } catch (error) {
          this.#s.observer.error(error, { destination: this.name, phase: 'settle' });
        }
        this.pump();
      })
      .catch((error: unknown) => this.#s.observer.error(error, { destination: this.name, phase: 'send' }));
  }

  #settle(item: OutboxItem, result: SendResult, latencyMs: number, probe: boolean): void {
    const outcome = settleSend(this.#s, this.name, item, result, latencyMs, probe, this.#state === 'closed');
    switch (outcome) {
      case 'delivered': {
        this.#release(item);
        let events = 0;
        for (const r of item.message.records) {
          if (r.digest) this.ledger.digested += r.digest.count;
          else events++;
        }
        this.ledger.delivered += events;
        this.#s.observer.delivered(this.name, item.message.records, latencyMs);
        return;
      }
      case 'shutdown':
        this.#release(item);
        this.#shutdown(item.message.records);
        return;
      case 'rejected':
        this.#release(item);
        this.#deadLetter(
          item.message.records,
          'rejected',
          item.attempts,
          result.ok ? undefined : result.error,
        );
        return;
      case 'gone':
        this.#outbox.unshift(item);
        this.#disable(result.ok ? undefined : result.error);
        return;
      case 'retry':
        this.#outbox.unshift(item);
        return;
    }
  }

  #disable(error: OffpathError | undefined): void {
    this.#state = 'disabled';
    this.#disabledBy = error;
    this.#clearTimers();
    this.#noise?.flush();
    const held = this.#takeAllHeld();
    if (error) this.#s.observer.disabled(this.name, error);
    this.#deadLetter(held, 'destination_gone', 0, error);
    this.#checkIdle();
  }

  #push(record: EventRecord, bytes: number): void {
    if (this.#hold(record, bytes)) this.pump();
  }

  /** Queues a record without pumping; false when it did not fit (then it was counted). */
  #hold(record: EventRecord, bytes: number): boolean {
    if (!this.#makeRoom(record, bytes)) return false;
    this.#queue.push({ record, bytes });
    this.#s.observer.bytesChanged(bytes);
    this.#s.observer.enqueued(this.name, record);
    return true;
  }

  /** Digests that closed together are all queued before the lane pumps, so they share messages. */
  #enqueueDigests(digests: readonly EventRecord[]): void {
    if (this.#state === 'disabled') {
      this.#deadLetter(digests, 'destination_gone', 0, this.#disabledBy);
      return;
    }
    if (this.#state === 'closed') {
      this.#shutdown(digests);
      return;
    }
    let held = false;
    for (const digest of digests) held = this.#hold(digest, DIGEST_BYTES) || held;
    if (held) this.pump();
  }

  /** Whether the backlog would take longer than storm.afterMs to drain at the allowed rate. */
  #overloaded(): boolean {
    const storm = this.#s.noise?.storm;
    const rate = this.#s.limiter.ratePerMs();
    if (!storm || rate === undefined) return false;
    const messages = Math.ceil(this.#queue.count / this.#s.maxBatchSize) + this.#outbox.size;
    return messages / rate > storm.afterMs;
  }

  #makeRoom(record: EventRecord, bytes: number): boolean {
    const fits = (): boolean =>
      this.#queue.count < this.#s.maxQueueItems && this.#queue.bytes + bytes <= this.#s.maxQueueBytes;
    if (fits()) return true;
    switch (this.#s.overflow) {
      case 'drop-newest':
        this.#drop([record], 'queue_full');
        return false;
      case 'spool':
        if (this.#s.observer.spill(this.name, [record], 'overflow'))
          this.ledger.spooled += totalWeight([record]);
        else this.#drop([record], 'queue_full');
        return false;
      case 'drop-oldest': {
        const rank = levelRank(record.level);
        while (!fits()) {
          const victim = this.#queue.shedLowest(rank);
          if (!victim) {
            this.#drop([record], 'queue_full');
            return false;
          }
          this.#s.observer.bytesChanged(-victim.bytes);
          this.#drop([victim.record], 'queue_full');
        }
        return true;
      }
    }
  }

  /** Moves an item's weight and bytes between the outbox and the in-flight counters. */
  #moveToFlight(item: OutboxItem, direction: 1 | -1): void {
    this.#outboxWeight -= direction * item.weight;
    this.#outboxBytes -= direction * item.bytes;
    this.#inFlightWeight += direction * item.weight;
    this.#inFlightBytes += direction * item.bytes;
  }

  #release(item: OutboxItem): void {
    this.#outboxWeight -= item.weight;
    this.#outboxBytes -= item.bytes;
    this.#s.observer.bytesChanged(-item.bytes);
  }

  /** Empties the outbox and the queue (not what is in flight), releasing their memory; send order kept. */
  #takeAllHeld(): EventRecord[] {
    const held: EventRecord[] = [];
    const bytes = this.#queue.bytes + this.#outboxBytes;
    for (let item = this.#outbox.shift(); item; item = this.#outbox.shift())
      held.push(...item.message.records);
    for (const entry of this.#queue.drain()) held.push(entry.record);
    this.#outboxWeight = 0;
    this.#outboxBytes = 0;
    this.#s.observer.bytesChanged(-bytes);
    return held;
  }

  #shutdown(records: readonly EventRecord[]): void {
    if (records.length === 0) return;
    if (this.#s.observer.spill(this.name, records, 'shutdown')) this.ledger.spooled += totalWeight(records);
    else this.#drop(records, 'shutdown');
  }

  #drop(records: readonly EventRecord[], reason: DropReason): void {
    if (records.length === 0) return;
    this.ledger.drop(reason, totalWeight(records));
    this.#s.observer.dropped(this.name, records, reason);
  }

  #deadLetter(
    records: readonly EventRecord[],
    reason: DeadLetterReason,
    attempts: number,
    error?: OffpathError,
  ): void {
    if (records.length === 0) return;
    this.ledger.deadLetter(reason, totalWeight(records));
    this.#s.observer.deadLettered(this.name, records, reason, attempts, error);
  }

  #armBatchTimer(): void {
    if (this.#batchTimer !== undefined) return;
    // Armed by the first record and never reset, so a steady trickle still goes out on time.
    this.#batchTimer = this.#s.clock.setTimeout(() => {
      this.#batchTimer = undefined;
      this.#batchDue = true;
      this.pump();
    }, this.#s.maxBatchDelayMs);
  }

  #clearBatchTimer(): void {
    if (this.#batchTimer !== undefined) this.#s.clock.clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
  }

  #wakeIn(ms: number): void {
    const at = this.#s.clock.now() + Math.max(1, ms);
    if (this.#wakeTimer !== undefined && this.#wakeAt <= at) return;
    if (this.#wakeTimer !== undefined) this.#s.clock.clearTimeout(this.#wakeTimer);
    this.#wakeAt = at;
    this.#wakeTimer = this.#s.clock.setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#wakeAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, at - this.#s.clock.now());
  }

  #clearTimers(): void {
    this.#clearBatchTimer();
    if (this.#wakeTimer !== undefined) this.#s.clock.clearTimeout(this.#wakeTimer);
    this.#wakeTimer = undefined;
    this.#wakeAt = Number.POSITIVE_INFINITY;
  }

  #idle(signal: AbortSignal): Promise<void> {
    if (this.pending - (this.#noise?.held ?? 0) === 0 || this.#state !== 'active') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      this.#idleWaiters.push(done);
    });
  }

  #checkIdle(): void {
    if (this.#idleWaiters.length === 0) return;
    // Merged events wait for their window; a flush does not wait for them unless it is final.
    if (this.pending - (this.#noise?.held ?? 0) !== 0 && this.#state === 'active') return;
    for (const done of this.#idleWaiters.splice(0)) done();
  }
}

/** A formatter must account for every record of the batch exactly once, or the ledger would lie. */
function assertCovers(messages: readonly OutgoingMessage[], batch: readonly EventRecord[]): void {
  const expected = new Set(batch.map((r) => r.id));
  let seen = 0;
  for (const m of messages) {
    for (const r of m.records) {
      if (!expected.delete(r.id)) throw new Error(`formatter listed record ${r.id} twice or unknown`);
      seen++;
    }
  }
  if (seen !== batch.length) throw new Error(`formatter dropped ${batch.length - seen} record(s)`);
}
