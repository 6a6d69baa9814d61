/**
 * A lane's bounded queue. One FIFO per level: critical events overtake everything, the other levels
 * leave in arrival order (merged by sequence number), and shedding takes the oldest event of the
 * lowest level first, all in O(levels). It holds records and counts them; their bytes are counted by
 * the destination's {@link DeliveryLedger}, the one count of its memory.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { LEVELS, levelRank } from '../core/level.js';
import { Deque } from './deque.js';
import { type Parcel, parcelOf } from './parcel.js';

/** A queued record with its size estimate. */
export interface QueueEntry {
  readonly record: EventRecord;
  readonly bytes: number;
}

/** Entries as one parcel (their records, weight and bytes). */
export function toParcel(entries: readonly QueueEntry[]): Parcel {
  return parcelOf(
    entries.map((e) => e.record),
    entries.map((e) => e.bytes),
  );
}

const CRITICAL = levelRank('critical');

export class LaneQueue {
  readonly #byLevel: Deque<QueueEntry>[] = LEVELS.map(() => new Deque<QueueEntry>());
  #count = 0;

  get count(): number {
    return this.#count;
  }

  push(entry: QueueEntry): void {
    this.#byLevel[levelRank(entry.record.level)]!.push(entry);
    this.#count++;
  }

  /** The entry {@link shift} would return, left in place. */
  peek(): QueueEntry | undefined {
    return this.#next()?.peek();
  }

  /** Next entry to send: critical first, then the oldest of the rest. */
  shift(): QueueEntry | undefined {
    const entry = this.#next()?.shift();
    if (entry) this.#count--;
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
        this.#count--;
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

  #next(): Deque<QueueEntry> | undefined {
    if (this.#byLevel[CRITICAL]!.size > 0) return this.#byLevel[CRITICAL];
    let from: Deque<QueueEntry> | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < CRITICAL; i++) {
      const head = this.#byLevel[i]!.peek();
      if (head && head.record.id < oldest) {
        oldest = head.record.id;
        from = this.#byLevel[i];
      }
    }
    return from;
  }
}
