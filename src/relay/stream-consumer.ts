/**
 * This replica's consumer of the relay's shared stream: reads new entries as its own consumer name
 * (only as many as the local pipeline can take: back-pressure), emits each event into the instance,
 * acknowledges an entry once the {@link StreamTracker} says every destination settled it, keeps the
 * entries it still delivers from being claimed (touching them), and claims entries other replicas left
 * pending longer than `claimAfterMs` (a crashed replica's): delivery is at least once, and at most
 * `maxDeliveries` times (then the claim sets the entry aside on the dead-letter stream).
 * @module
 */
import type { StreamEntry, StreamQueue } from '../coordination/redis/stream-queue.js';
import type { Offpath } from '../instance/create-offpath.js';
import type { StreamTracker } from './stream-tracker.js';

/** Settings of {@link StreamConsumer}. */
export interface StreamConsumerOptions {
  /** Entries this replica delivers at once at most. */
  readonly maxInFlight: number;
  /** Pending entries idle this long belong to a replica that is gone: they are claimed. */
  readonly claimAfterMs: number;
  /** How long one read waits for new entries (under the Redis command timeout). */
  readonly blockMs: number;
  /** Deliveries pending in the instance above which nothing more is read. */
  readonly maxPending: number;
}

/** What the consumer counts. */
export interface ConsumerCounters {
  claimed(n: number): void;
  acknowledged(n: number): void;
  /** Entries whose payload is not an event (acknowledged, never delivered). */
  unreadable(n: number): void;
  /** Entries a claim moved to the dead-letter stream: given out `maxDeliveries` times, never settled. */
  dead(ids: readonly string[]): void;
  /** A Redis reply error (a bug, not an outage); the loop goes on. */
  error(error: unknown): void;
}

/** Most entries one read or claim asks for. */
const BATCH = 100;
/** Pause after a failed Redis call before the loop tries again. */
const RETRY_MS = 200;

export class StreamConsumer {
  readonly #reader: StreamQueue;
  readonly #queue: StreamQueue;
  readonly #tracker: StreamTracker;
  readonly #instance: Offpath;
  readonly #o: StreamConsumerOptions;
  readonly #count: ConsumerCounters;
  readonly #acks: string[] = [];
  #ackScheduled = false;
  #acking: Promise<void> = Promise.resolve();
  #reading = false;
  #loop: Promise<void> = Promise.resolve();
  #claimTimer: NodeJS.Timeout | undefined;
  #touchTimer: NodeJS.Timeout | undefined;

  /** `reader` holds a connection of its own: its blocking reads would hold up every other command. */
  constructor(parts: {
    reader: StreamQueue;
    queue: StreamQueue;
    tracker: StreamTracker;
    instance: Offpath;
    options: StreamConsumerOptions;
    counters: ConsumerCounters;
  }) {
    this.#reader = parts.reader;
    this.#queue = parts.queue;
    this.#tracker = parts.tracker;
    this.#instance = parts.instance;
    this.#o = parts.options;
    this.#count = parts.counters;
  }

  /** An entry every destination settled: acknowledged with the others of this turn, in one round trip. */
  settled(entryId: string): void {
    this.#acks.push(entryId);
    if (this.#ackScheduled) return;
    this.#ackScheduled = true;
    setImmediate(() => {
      this.#ackScheduled = false;
      this.#acking = this.#acking.then(() => this.#guard(() => this.#flushAcks()));
    });
  }

  start(): void {
    this.#reading = true;
    this.#loop = this.#readLoop();
    const { claimAfterMs } = this.#o;
    // Often enough that a crashed replica's entries wait little more than claimAfterMs.
    this.#claimTimer = this.#every(Math.max(50, claimAfterMs / 4), () => this.#claim());
    // Three touches per claim period: a live replica's entries never look idle to the others.
    this.#touchTimer = this.#every(Math.max(50, claimAfterMs / 3), async () => {
      await this.#touch();
      await this.#flushAcks();
    });
  }

  /** Stops taking new entries (shutdown); what is held is still delivered and acknowledged. */
  async stopReading(): Promise<void> {
    this.#reading = false;
    clearInterval(this.#claimTimer);
    await this.#loop;
  }

  /** Acknowledges what settled, stops touching; what is still held stays pending for another replica. */
  async close(): Promise<void> {
    await this.stopReading();
    clearInterval(this.#touchTimer);
    await this.#acking;
    await this.#guard(() => this.#flushAcks());
  }

  async #readLoop(): Promise<void> {
    while (this.#reading) {
      const room = this.#room();
      if (room === 0) {
        await this.#tracker.freed(RETRY_MS);
        continue;
      }
      const read = await this.#guard(() => this.#reader.read(Math.min(room, BATCH), this.#o.blockMs));
      // Entries read after the stop stay pending, untracked: another replica claims them.
      if (!this.#reading) return;
      if (read?.ok) this.#take(read.value);
      else await sleep(RETRY_MS);
    }
  }

  async #claim(): Promise<void> {
    const room = this.#room();
    if (room === 0 || !this.#reading) return;
    const claimed = await this.#queue.claimStale(this.#o.claimAfterMs, Math.min(room, BATCH));
    if (!claimed.ok) return;
    // Set aside by the claim itself (acknowledged already), whether or not reading goes on.
    if (claimed.value.dead.length > 0) this.#count.dead(claimed.value.dead);
    if (!this.#reading) return;
    // Its own entries come back only when touching them failed (Redis was away): it still holds them.
    const theirs = claimed.value.entries.filter((e) => !this.#tracker.has(e.id));
    this.#count.claimed(theirs.length);
    this.#take(theirs);
  }

  async #touch(): Promise<void> {
    const ids = this.#tracker.heldIds();
    for (let i = 0; i < ids.length; i += 500) {
      if (!(await this.#queue.touch(ids.slice(i, i + 500))).ok) return;
    }
  }

  #take(entries: readonly StreamEntry[]): void {
    const unreadable: string[] = [];
    for (const entry of entries) {
      const event = parseEvent(entry.payload);
      if (!event) {
        unreadable.push(entry.id);
        continue;
      }
      this.#tracker.track(entry.id, event);
      // Refused (intake full, closing): the entry stays pending and is claimed again later.
      if (!this.#instance.emit(event)) this.#tracker.untrack(event);
    }
    if (unreadable.length === 0) return;
    this.#count.unreadable(unreadable.length);
    for (const id of unreadable) this.settled(id);
  }

  /** How many more entries this replica may take now. */
  #room(): number {
    const byWindow = this.#o.maxInFlight - this.#tracker.held;
    const byPending = this.#o.maxPending - this.#instance.stats().pending;
    return Math.max(0, Math.min(byWindow, byPending, this.#instance.intakeRoom()));
  }

  async #flushAcks(): Promise<void> {
    if (this.#acks.length === 0) return;
    const ids = this.#acks.splice(0);
    const acked = await this.#queue.ack(ids);
    // Redis away: they are acknowledged with the next batch (until then they stay pending, and a
    // crash now would deliver them again).
    if (acked.ok) this.#count.acknowledged(ids.length);
    else this.#acks.push(...ids);
  }

  /** Runs `fn`; a reply error (a bug) is reported and resolves undefined, so no loop dies of it. */
  async #guard<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      this.#count.error(error);
      return undefined;
    }
  }

  /** Runs `run` every `ms`, never two at once. */
  #every(ms: number, run: () => Promise<void>): NodeJS.Timeout {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.#guard(run).finally(() => {
        busy = false;
      });
    }, ms);
    timer.unref();
    return timer;
  }
}

function parseEvent(payload: string): object | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
