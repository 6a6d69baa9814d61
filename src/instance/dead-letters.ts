/**
 * Dead letters as the instance shows them: listed and replayed through the instance's own spool, only
 * for destinations the instance has.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { Spool } from '../spool/spool.js';

/** Which dead letters a listing or a replay covers; every field narrows. */
export interface DeadLetterFilter {
  readonly destination?: string;
  /** Epoch ms: only letters stored at or after it. */
  readonly since?: number;
  /** A dead-letter reason: `rejected`, `destination_gone`, `retries_exhausted`, `format_failed` or `circuit_open`. */
  readonly reason?: string;
  /** Only these letters (ids as listed by {@link Offpath.deadLetters}). */
  readonly ids?: readonly number[];
}

/** Options of {@link Offpath.deadLetters}. */
export interface DeadLetterQuery extends DeadLetterFilter {
  /** At most this many, oldest first. @default 100 */
  readonly limit?: number;
}

/** A stored dead letter. Its record was redacted before it was stored. */
export interface DeadLetter {
  readonly id: number;
  readonly destination: string;
  readonly reason: string;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly attempts: number;
  /** HTTP status of the last attempt, when there was one. */
  readonly lastStatus: number | undefined;
  /** Error code and message of the last attempt. */
  readonly lastError: string | undefined;
  /** The record; `undefined` when the stored text is not readable JSON. */
  readonly record: EventRecord | undefined;
}

/** Lists dead letters of the given destinations. */
export function listDeadLetters(
  spool: Spool,
  destinations: readonly string[],
  query: DeadLetterQuery,
): DeadLetter[] {
  const limit = query.limit ?? 100;
  const out: DeadLetter[] = [];
  const { limit: _limit, ...filter } = query;
  // Without a destination some rows may belong to a destination this instance no longer has.
  const sqlLimit = filter.destination === undefined ? undefined : limit;
  for (const stored of spool.deadLetters(filter, sqlLimit)) {
    if (!destinations.includes(stored.destination)) continue;
    out.push({
      id: stored.id,
      destination: stored.destination,
      reason: stored.reason,
      createdAt: stored.createdAt,
      attempts: stored.attempts,
      lastStatus: stored.lastStatus ?? undefined,
      lastError: stored.lastError ?? undefined,
      record: parseRecord(stored.record),
    });
    if (out.length >= limit) break;
  }
  return out;
}

/** Moves matching dead letters of the given destinations back to the spool; returns how many. */
export function replayDeadLetters(
  spool: Spool,
  destinations: readonly string[],
  filter: DeadLetterFilter,
): number {
  let requeued = 0;
  for (const name of destinations) {
    if (filter.destination === undefined || filter.destination === name) {
      requeued += spool.requeueDeadLetters({ ...filter, destination: name });
    }
  }
  return requeued;
}

function parseRecord(text: string): EventRecord | undefined {
  try {
    return JSON.parse(text) as EventRecord;
  } catch {
    return undefined;
  }
}
