/**
 * The `dead_letters` table of the spool: deliveries that failed for good, kept with their reason for
 * inspection and replay, and bounded by age and size. The count and bytes of what it holds are kept
 * in memory so that the bounds cost nothing per write; a change made through another connection (the
 * CLI purging or replaying while the app runs) is noticed through SQLite's `data_version` and
 * recounted before any eviction is decided, so a stale figure never evicts a letter.
 * @module
 */
import type Database from 'better-sqlite3';
import { type SpoolFilter, whereClause } from './spool-filter.js';

/** A dead letter as written. */
export interface DeadLetterRow {
  readonly destination: string;
  readonly reason: string;
  readonly createdAt: number;
  readonly attempts: number;
  readonly lastStatus: number | null;
  /** Error code and redacted message of the last attempt. */
  readonly lastError: string | null;
  readonly record: string;
}

/** A stored dead letter, with its id. */
export interface StoredDeadLetter extends DeadLetterRow {
  readonly id: number;
}

/** Why dead letters left the table without being replayed or purged: too old, or over the size cap. */
export type DeadLetterEviction = 'expired' | 'full';

/** Dead letters of one destination evicted for one reason. */
export interface EvictedDeadLetters {
  readonly destination: string;
  readonly reason: DeadLetterEviction;
  readonly count: number;
}

/** Evictions counted in the file since it was created (what `offpath spool stats` shows). */
export interface DeadLetterEvictionTotal extends EvictedDeadLetters {
  /** Epoch ms of the latest eviction. */
  readonly lastAt: number;
}

/** How long dead letters are kept and how much room they may take. */
export interface DeadLetterBounds {
  readonly ttlMs: number;
  /** Bytes of stored records and error texts (UTF-8). */
  readonly maxBytes: number;
}

/** The bytes a letter is counted for: its record and its error text. Must match {@link deadLetterBytes}. */
const BYTES_SQL = 'length(CAST(record AS BLOB)) + COALESCE(length(CAST(last_error AS BLOB)), 0)';

/** The bytes a dead letter is counted for against the size cap. */
export function deadLetterBytes(row: DeadLetterRow): number {
  return Buffer.byteLength(row.record) + (row.lastError === null ? 0 : Buffer.byteLength(row.lastError));
}

export class DeadLetterTable {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #expire: Database.Statement;
  readonly #oldest: Database.Statement;
  readonly #deleteUpTo: Database.Statement;
  readonly #countEviction: Database.Statement;
  #count = 0;
  #bytes = 0;
  #dataVersion = -1;

  /** The schema must exist (see the spool store). */
  constructor(db: Database.Database) {
    this.#db = db;
    this.#insert = db.prepare(
      'INSERT INTO dead_letters (destination, reason, created_at, attempts, last_status, last_error, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#expire = db.prepare(
      `DELETE FROM dead_letters WHERE created_at <= ? RETURNING destination, ${BYTES_SQL} AS bytes`,
    );
    this.#oldest = db.prepare(
      `SELECT id, destination, ${BYTES_SQL} AS bytes FROM dead_letters ORDER BY id LIMIT ?`,
    );
    this.#deleteUpTo = db.prepare('DELETE FROM dead_letters WHERE id <= ?');
    this.#countEviction = db.prepare(
      `INSERT INTO dead_letter_evictions (destination, reason, count, last_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (destination, reason) DO UPDATE SET count = count + excluded.count, last_at = excluded.last_at`,
    );
    this.recount();
  }

  /** Letters stored, as far as this connection knows. */
  get count(): number {
    return this.#count;
  }

  /** Bytes of the stored letters (records and error texts), as far as this connection knows. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Writes one letter. Called inside the store's transaction. */
  insert(row: DeadLetterRow): void {
    this.#insert.run(
      row.destination,
      row.reason,
      row.createdAt,
      row.attempts,
      row.lastStatus,
      row.lastError,
      row.record,
    );
    this.#count++;
    this.#bytes += deadLetterBytes(row);
  }

  /** Reads the count and bytes from the file again (after a rollback, or a change by another connection). */
  recount(): void {
    this.#dataVersion = this.#db.pragma('data_version', { simple: true }) as number;
    const totals = this.#db
      .prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(${BYTES_SQL}), 0) AS bytes FROM dead_letters`)
      .get() as { n: number; bytes: number };
    this.#count = totals.n;
    this.#bytes = totals.bytes;
  }

  /** Letters matching the filter, oldest first. */
  list(filter: SpoolFilter = {}, limit = Number.MAX_SAFE_INTEGER): StoredDeadLetter[] {
    const w = whereClause(filter);
    return this.#db
      .prepare(
        `SELECT id, destination, reason, created_at AS createdAt, attempts, last_status AS lastStatus,
                last_error AS lastError, record
         FROM dead_letters ${w.sql} ORDER BY id LIMIT ?`,
      )
      .all(...w.params, limit) as StoredDeadLetter[];
  }

  /** Deletes letters matching the filter; returns how many. */
  purge(filter: SpoolFilter): number {
    const w = whereClause(filter);
    const changes = this.#db.prepare(`DELETE FROM dead_letters ${w.sql}`).run(...w.params).changes;
    this.recount();
    return changes;
  }

  /**
   * Removes letters older than `ttlMs`, then the oldest ones until at most `maxBytes` remain, in one
   * transaction that also adds them to the counts kept in the file. Returns what it removed.
   */
  evict(now: number, bounds: DeadLetterBounds): EvictedDeadLetters[] {
    const removed = new Map<string, { destination: string; reason: DeadLetterEviction; count: number }>();
    const tally = (destination: string, reason: DeadLetterEviction, bytes: number): void => {
      const key = `${reason}\0${destination}`;
      const entry = removed.get(key) ?? { destination, reason, count: 0 };
      entry.count++;
      removed.set(key, entry);
      this.#count--;
      this.#bytes -= bytes;
    };
    try {
      this.#db.transaction(() => {
        if (this.#db.pragma('data_version', { simple: true }) !== this.#dataVersion) this.recount();
        for (const row of this.#expire.all(now - bounds.ttlMs) as Array<{
          destination: string;
          bytes: number;
        }>)
          tally(row.destination, 'expired', row.bytes);
        while (this.#bytes > bounds.maxBytes) {
          const victims = this.#oldest.all(256) as Array<{ id: number; destination: string; bytes: number }>;
          if (victims.length === 0) {
            this.#count = 0;
            this.#bytes = 0;
            break;
          }
          let upTo = 0;
          for (const v of victims) {
            if (this.#bytes <= bounds.maxBytes) break;
            upTo = v.id;
            tally(v.destination, 'full', v.bytes);
          }
          this.#deleteUpTo.run(upTo);
        }
        for (const e of removed.values()) this.#countEviction.run(e.destination, e.reason, e.count, now);
      })();
    } catch (error) {
      this.recount();
      throw error;
    }
    return [...removed.values()];
  }

  /** Evictions counted in the file, by destination and eviction reason. */
  evictionTotals(filter: { readonly destination?: string | undefined } = {}): DeadLetterEvictionTotal[] {
    const w = whereClause({ destination: filter.destination });
    return this.#db
      .prepare(
        `SELECT destination, reason, count, last_at AS lastAt FROM dead_letter_evictions ${w.sql}
         ORDER BY destination, reason`,
      )
      .all(...w.params) as DeadLetterEvictionTotal[];
  }
}
