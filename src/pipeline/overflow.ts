/**
 * What a full lane does with one more record: the overflow policy as a function of the queue, the
 * lane's bounds and the newcomer, so the choice can be tested without a lane.
 * @module
 */
import { levelRank } from '../core/level.js';
import type { LaneQueue, QueueEntry } from './lane-queue.js';

/** What happens when a lane's queue is full. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'spool';

/** A lane's bounds: records queued, and bytes held in memory (queued, batched and in flight). */
export interface LaneBounds {
  readonly maxItems: number;
  readonly maxBytes: number;
}

/** The choice: whether the newcomer gets in, and the queued entries removed to make room for it. */
export interface RoomDecision {
  readonly admit: boolean;
  /** Taken out of the queue (oldest of the lowest level first); the caller settles them. */
  readonly victims: readonly QueueEntry[];
}

const ADMIT: RoomDecision = Object.freeze({ admit: true, victims: [] });
const REFUSE: RoomDecision = Object.freeze({ admit: false, victims: [] });

/**
 * Makes room for `entry` when it does not fit. `drop-newest` and `spool` refuse the newcomer (the
 * caller drops or spills it); `drop-oldest` sheds queued entries of the newcomer's level or lower,
 * oldest of the lowest level first, and refuses it only when that is not enough: a record is never
 * shed for a less severe one.
 * @param heldBytes bytes the lane holds now, before the newcomer
 */
export function makeRoom(
  queue: LaneQueue,
  heldBytes: number,
  bounds: LaneBounds,
  entry: QueueEntry,
  policy: OverflowPolicy,
): RoomDecision {
  let bytes = heldBytes;
  const fits = (): boolean => queue.count < bounds.maxItems && bytes + entry.bytes <= bounds.maxBytes;
  if (fits()) return ADMIT;
  if (policy !== 'drop-oldest') return REFUSE;
  const rank = levelRank(entry.record.level);
  const victims: QueueEntry[] = [];
  while (!fits()) {
    const victim = queue.shedLowest(rank);
    if (!victim) return { admit: false, victims };
    victims.push(victim);
    bytes -= victim.bytes;
  }
  return { admit: true, victims };
}
