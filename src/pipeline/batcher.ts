/**
 * Forming one batch: taking records from the queue by count and bytes, setting expired ones apart,
 * and turning the sink's messages into outbox items that know their records' bytes and weight.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { OutgoingMessage, Sink } from '../core/sink.js';
import type { LaneQueue, QueueEntry } from './lane-queue.js';
import { type OutboxItem, outboxItem } from './outbox.js';

/** How big a batch may grow, and how old a record may be. */
export interface BatchLimits {
  readonly maxRecords: number;
  /** Estimated bytes of the records; the first record is always taken, whatever its size. */
  readonly maxBytes: number;
  readonly maxAgeMs: number;
}

/** Records taken for one batch, and the expired ones met on the way. */
export interface TakenBatch {
  readonly batch: readonly QueueEntry[];
  readonly expired: readonly QueueEntry[];
}

/** Takes the next batch from the queue, in send order, within `limits`. */
export function takeBatch(queue: LaneQueue, limits: BatchLimits, now: number): TakenBatch {
  const batch: QueueEntry[] = [];
  const expired: QueueEntry[] = [];
  let bytes = 0;
  while (batch.length < limits.maxRecords) {
    const next = queue.peek();
    if (!next) break;
    if (now - next.record.time > limits.maxAgeMs) {
      expired.push(queue.shift()!);
      continue;
    }
    if (batch.length > 0 && bytes + next.bytes > limits.maxBytes) break;
    batch.push(queue.shift()!);
    bytes += next.bytes;
  }
  return { batch, expired };
}

/**
 * Asks the sink to format `batch` and makes one outbox item per message. Throws when the sink throws
 * or its messages do not account for every record exactly once (the ledger would lie).
 */
export function packMessages(sink: Sink, batch: readonly QueueEntry[]): OutboxItem[] {
  const records = batch.map((e) => e.record);
  const messages = sink.format(records);
  assertCovers(messages, records);
  const bytesById = new Map<number, number>();
  for (const e of batch) bytesById.set(e.record.id, e.bytes);
  return messages.map((message) => {
    let oldest = Number.POSITIVE_INFINITY;
    for (const r of message.records) oldest = Math.min(oldest, r.time);
    const sizes = message.records.map((r) => bytesById.get(r.id) ?? 0);
    // A message that completes no record (the first part of a split one) is as old as the batch.
    return outboxItem(message, sizes, oldest === Number.POSITIVE_INFINITY ? records[0]!.time : oldest);
  });
}

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
