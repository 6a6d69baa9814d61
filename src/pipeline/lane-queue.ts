/**
 * A lane's bounded queue. One FIFO per level: critical events overtake everything, the other levels
 * leave in arrival order (merged by sequence number), and shedding takes the oldest event of the
 * lowest level first, all in O(levels).
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { LEVELS, levelRank } from '../core/level.js';
import { Deque } from './deque.js';

/** A queued record with its size estimate. */
export interface QueueEntry {
  readonly record: EventRecord;
  readonly bytes: number;
}

/** Deliveries a record stands for in the ledger: 1, or the events a digest merged. */
export function weightOf(record: EventRecord): number {
  return record.digest ? record.digest.count : 1;
}

/** The total weight of several records. */
export function totalWeight(records: readonly EventRecord[]): number {
  let total = 0;
  for (const r of records) total += weightOf(r);
  return total;
}

const CRITICAL = levelRank('critical');

export class LaneQueue {
  readonly #byLevel: Deque<QueueEntry>[] = LEVELS.map(() => new Deque<QueueEntry>());
  #count = 0;
  #bytes = 0;
  #weight = 0;

  get count(): number {
    return this.#count;
  }

  /** Deliveries the queued records stand for (a digest counts as the events it merged). */
  get weight(): number {
    return this.#weight;
  }

  get bytes(): number {
    return this.#bytes;
  }

  push(entry: QueueEntry): void {
    this.#byLevel[levelRank(entry.record.level)]!.push(entry);
    this.#count++;
    this.#bytes += entry.bytes;
    this.#weight += weightOf(entry.record);
  }

  /** Puts entries taken by {@link shift} back at the front, keeping their order. */
  returnToFront(entries: readonly QueueEntry[]): void {
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      this.#byLevel[levelRank(entry.record.level)]!.unshift(entry);
      this.#count++;
      this.#bytes += entry.bytes;
      this.#weight += weightOf(entry.record);
    }
  }

  /** Next entry to send: critical first, then the oldest of the rest. */
  shift(): QueueEntry | undefined {
    let from = this.#byLevel[CRITICAL]!.size > 0 ? this.#byLevel[CRITICAL] : undefined;
    if (!from) {
      let oldest = Number.POSITIVE_INFINITY;
      for (let i = 0; i < CRITICAL; i++) {
        const head = this.#byLevel[i]!.peek();
        if (head && head.record.id < oldest) {
          oldest = head.record.id;
          from = this.#byLevel[i];
        }
      }
    }
    const entry = from?.shift();
    if (entry) this.#taken(entry);
    return entry;
  }

  /**
   * Removes the oldest entry of the lowest level that is at most `maxLevelRank`, to make room.
   * Returns undefined when every queued entry ranks higher.
   */
  shedLowest(maxLevelRank = CRITICAL): QueueEntry | undefined {
    for (let i = 0; i <= maxLevelRank; i++) {
      const entry = this.#byLevel[i]!.shift();
      if (entry) {
        this.#taken(entry);
        return entry;
      }
    }
    return undefined;
  }

  /** Lowest level rank present, or -1 when empty. */
  lowestRank(): number {
    for (let i = 0; i < this.#byLevel.length; i++) if (this.#byLevel[i]!.size > 0) return i;
    return -1;
  }

  /** Oldest enqueued time among queued records (epoch ms), or undefined when empty. */
  oldestTime(): number | undefined {
    let oldest: number | undefined;
    for (const q of this.#byLevel) {
      const head = q.peek();
      if (head && (oldest === undefined || head.record.time < oldest)) oldest = head.record.time;
    }
    return oldest;
  }

  /** Removes and returns everything, in send order. */
  drain(): QueueEntry[] {
    const out: QueueEntry[] = [];
    for (let e = this.shift(); e; e = this.shift()) out.push(e);
    return out;
  }

  #taken(entry: QueueEntry): void {
    this.#count--;
    this.#bytes -= entry.bytes;
    this.#weight -= weightOf(entry.record);
  }
}
