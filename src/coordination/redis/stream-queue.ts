/**
 * A work queue on a Redis Stream with one consumer group, for several relay replicas: ingest appends
 * (`XADD`), each replica reads new entries as a named consumer (`XREADGROUP … >`), acknowledges and
 * deletes what it delivered (`XACK` + `XDEL`, so the stream holds only unfinished work), and claims
 * the entries a crashed replica left pending (`XAUTOCLAIM` after `minIdleMs`). Delivery is at least
 * once: an entry is removed only after its consumer acknowledged it. An entry claimed again and again
 * (its delivery crashes or stalls every replica that takes it) is set aside once Redis has given it
 * out `maxDeliveries` times: moved to the dead-letter stream `<key>:dead`, never given out again.
 * @module
 */
import type { RedisConnection, RunResult } from './connection.js';
import { RedisScript } from './script.js';

/**
 * Checks the length and appends every payload in one step (one round trip, and no other append can
 * slip in between the check and the writes): `0` when the batch does not fit, else the new ids.
 */
const APPEND = new RedisScript(`
local room = tonumber(ARGV[1]) - redis.call('XLEN', KEYS[1])
if #ARGV - 1 > room then return 0 end
local ids = {}
for i = 2, #ARGV do ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', 'p', ARGV[i]) end
return ids
`);

/**
 * One `XAUTOCLAIM` step that sets poison entries aside in the same round trip: each claimed entry's
 * delivery count (kept by Redis per pending entry, raised by every claim) is read from `XPENDING`;
 * beyond the limit the entry is copied to the dead-letter stream (bounded, approximately), then
 * acknowledged and deleted. Answers the next cursor, the entries to deliver and the ids set aside.
 */
const CLAIM = new RedisScript(`
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local limit = tonumber(ARGV[6])
local live, dead = {}, {}
for _, entry in ipairs(claimed[2]) do
  local id, fields = entry[1], entry[2]
  local pending = fields and redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)[1]
  if pending and pending[4] > limit then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*',
      'id', id, 'deliveries', pending[4], 'reason', 'redelivery_limit', unpack(fields))
    redis.call('XACK', KEYS[1], ARGV[1], id)
    redis.call('XDEL', KEYS[1], id)
    dead[#dead + 1] = id
  else
    live[#live + 1] = entry
  end
end
return {claimed[1], live, dead}
`);

/** Options of {@link StreamQueue}. */
export interface StreamQueueOptions {
  /** The stream's name under the connection's prefix. @default 'relay' */
  readonly stream?: string;
  /** The consumer group every replica joins. @default 'offpath' */
  readonly group?: string;
  /** This replica's consumer name; unique per process. */
  readonly consumer: string;
  /** Most entries the stream may hold; {@link append} refuses beyond it (the dead-letter stream keeps about as many). @default 100_000 */
  readonly maxLength?: number;
  /** Times Redis gives an entry out (first read and claims) before a claim sets it aside instead. @default 5 */
  readonly maxDeliveries?: number;
}

/** One queued entry. */
export interface StreamEntry {
  /** The stream id (`<ms>-<seq>`). */
  readonly id: string;
  /** What was appended. */
  readonly payload: string;
}

/** What {@link StreamQueue.append} answered: the ids, or `full` when the stream is at `maxLength`. */
export type AppendOutcome = { readonly ids: readonly string[] } | { readonly full: true };

/** What {@link StreamQueue.claimStale} answered. */
export interface ClaimOutcome {
  /** Entries now this consumer's to deliver. */
  readonly entries: StreamEntry[];
  /** Ids of entries given out more than `maxDeliveries` times: moved to the dead-letter stream. */
  readonly dead: string[];
}

type RawEntries = Array<[id: string, fields: string[] | null]>;

/** Deletes the consumer only if its pending list is empty, atomically. */
const RETIRE = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local ok, mine = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if not ok or #mine > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
`);

/** `XAUTOCLAIM` calls one claim makes at most (so one claim never scans an endless pending list). */
const MAX_CLAIM_STEPS = 10;

export class StreamQueue {
  readonly #connection: RedisConnection;
  readonly #key: string;
  readonly #group: string;
  readonly #consumer: string;
  readonly #maxLength: number;
  readonly #maxDeliveries: number;
  #groupReady = false;

  constructor(connection: RedisConnection, options: StreamQueueOptions) {
    this.#connection = connection;
    this.#key = `${connection.prefix}q:${options.stream ?? 'relay'}`;
    this.#group = options.group ?? 'offpath';
    this.#consumer = options.consumer;
    this.#maxLength = options.maxLength ?? 100_000;
    this.#maxDeliveries = options.maxDeliveries ?? 5;
  }

  /** The stream's Redis key. */
  get key(): string {
    return this.#key;
  }

  /** The dead-letter stream's key: entries set aside, with their `id`, `deliveries`, `reason` and payload `p`. */
  get deadKey(): string {
    return `${this.#key}:dead`;
  }

  /** Appends payloads in one round trip, in order; refuses them all when the stream would pass `maxLength`. */
  async append(payloads: readonly string[]): Promise<RunResult<AppendOutcome>> {
    if (payloads.length === 0) return { ok: true, value: { ids: [] } };
    return this.#connection.run(async (c) => {
      const reply = await APPEND.run(c, [this.#key], [this.#maxLength, ...payloads]);
      return Array.isArray(reply) ? { ids: reply.map(String) } : ({ full: true } as const);
    });
  }

  /**
   * Up to `count` entries no consumer has been given yet, now this consumer's to deliver. Waits up to
   * `blockMs` when there are none (keep it under the connection's command timeout).
   */
  async read(count: number, blockMs = 0): Promise<RunResult<StreamEntry[]>> {
    return this.#withGroup(async (c) => {
      const args: (string | number)[] = ['GROUP', this.#group, this.#consumer, 'COUNT', count];
      if (blockMs > 0) args.push('BLOCK', blockMs);
      const reply = (await c.call('XREADGROUP', ...args, 'STREAMS', this.#key, '>')) as Array<
        [string, RawEntries]
      > | null;
      return entries(reply?.[0]?.[1] ?? []);
    });
  }

  /**
   * Up to `count` entries pending for more than `minIdleMs` under any consumer (one that crashed),
   * moved to this one. The pending list is scanned from its start, in a few steps when live
   * consumers' entries come first (each `XAUTOCLAIM` looks at no more than ten times `count`).
   * Entries this claim would give out more than `maxDeliveries` times are set aside (`dead`).
   */
  async claimStale(minIdleMs: number, count = 100): Promise<RunResult<ClaimOutcome>> {
    return this.#withGroup(async (c) => {
      const out: ClaimOutcome = { entries: [], dead: [] };
      let cursor = '0-0';
      for (let step = 0; step < MAX_CLAIM_STEPS && out.entries.length < count; step++) {
        const [next, raw, dead] = (await CLAIM.run(
          c,
          [this.#key, this.deadKey],
          [
            this.#group,
            this.#consumer,
            minIdleMs,
            cursor,
            count - out.entries.length,
            this.#maxDeliveries,
            this.#maxLength,
          ],
        )) as [string, RawEntries, string[]];
        out.entries.push(...entries(raw));
        out.dead.push(...dead);
        cursor = next;
        if (cursor === '0-0') break;
      }
      return out;
    });
  }

  /**
   * Resets the idle time of entries this consumer still works on, so no other replica claims them
   * while a slow delivery is under way. An entry another replica claimed meanwhile comes back to this
   * one (both deliver it: at least once).
   */
  async touch(ids: readonly string[]): Promise<RunResult<number>> {
    if (ids.length === 0) return { ok: true, value: 0 };
    return this.#withGroup(async (c) => {
      const reply = (await c.call(
        'XCLAIM',
        this.#key,
        this.#group,
        this.#consumer,
        0,
        ...ids,
        'JUSTID',
      )) as string[];
      return reply.length;
    });
  }

  /** Acknowledges delivered entries and removes them from the stream. */
  async ack(ids: readonly string[]): Promise<RunResult<number>> {
    if (ids.length === 0) return { ok: true, value: 0 };
    return this.#connection.run(async (c) => {
      const results =
        (await c
          .multi()
          .xack(this.#key, this.#group, ...ids)
          .xdel(this.#key, ...ids)
          .exec()) ?? [];
      const [ackError, acked] = results[0] ?? [];
      if (ackError) throw ackError;
      return Number(acked);
    });
  }

  /**
   * Removes this consumer from the group when it holds no pending entry (a replica stopping cleanly),
   * so replicas that come and go do not pile up in the group; true when it was removed. One that still
   * holds entries stays: deleting it would drop them from the pending list, where the others claim them.
   */
  async retire(): Promise<RunResult<boolean>> {
    return this.#connection.run(async (c) => {
      const reply = await RETIRE.run(c, [this.#key], [this.#group, this.#consumer]);
      return reply === 1;
    });
  }

  /** Entries in the stream (waiting or pending) and how many of them are pending (given, not acknowledged). */
  async depth(): Promise<RunResult<{ readonly length: number; readonly pending: number }>> {
    return this.#withGroup(async (c) => {
      const [length, summary] = await Promise.all([
        c.xlen(this.#key),
        c.xpending(this.#key, this.#group) as Promise<[number, ...unknown[]]>,
      ]);
      return { length, pending: Number(summary[0] ?? 0) };
    });
  }

  /** Runs `fn` once the group exists; creates it again if Redis lost it (a restart without persistence). */
  #withGroup<T>(fn: (client: RedisConnection['client']) => Promise<T>): Promise<RunResult<T>> {
    return this.#connection.run(async (c) => {
      await this.#ensureGroup();
      try {
        return await fn(c);
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith('NOGROUP'))) throw error;
        this.#groupReady = false;
        await this.#ensureGroup();
        return fn(c);
      }
    });
  }

  /** Creates the stream and the group (from the first entry, so nothing appended earlier is skipped). */
  async #ensureGroup(): Promise<void> {
    if (this.#groupReady) return;
    try {
      await this.#connection.client.xgroup('CREATE', this.#key, this.#group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
    this.#groupReady = true;
  }
}

function entries(raw: RawEntries): StreamEntry[] {
  const out: StreamEntry[] = [];
  for (const [id, fields] of raw) {
    // An entry deleted while pending comes back with no fields: it was delivered already.
    if (!fields) continue;
    const at = fields.indexOf('p');
    out.push({ id, payload: at >= 0 ? (fields[at + 1] ?? '') : '' });
  }
  return out;
}
