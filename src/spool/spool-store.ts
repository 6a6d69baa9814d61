/**
 * The spool's file: a SQLite database (WAL). `records` holds deliveries waiting for their destination,
 * in order per destination; `dead_letters` holds deliveries that failed for good (see
 * {@link DeadLetterTable}), and `dead_letter_evictions` counts the letters its bounds removed.
 * Everything stored is the normalised record after redaction, as JSON. All calls are synchronous and
 * are only made off the caller's stack (by {@link SpoolWriter} and the pipeline's feeder).
 * @module
 */
import type Database from 'better-sqlite3';
import { type DeadLetterRow, DeadLetterTable } from './dead-letter-table.js';
import { type SpoolFilter, whereClause } from './spool-filter.js';

/** `PRAGMA application_id` of an offpath spool ("offp"), so a foreign SQLite file is recognised. */
export const SPOOL_APPLICATION_ID = 0x6f666670;
/** Schema version kept in `PRAGMA user_version`. */
export const SPOOL_SCHEMA_VERSION = 1;

/**
 * Why a record waits in the spool. `durable` rows are copies of records also held in memory;
 * `recovered` rows come from an earlier run's emit journal (strict durable mode).
 */
export type SpoolReason = 'overflow' | 'shutdown' | 'breaker-open' | 'durable' | 'replay' | 'recovered';

/** A record row as written. */
export interface SpoolRow {
  readonly id: number;
  readonly destination: string;
  readonly reason: SpoolReason;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly bytes: number;
  /** The record as JSON. */
  readonly record: string;
}

/** A row removed from `records`, as reported to the owner. */
export interface RemovedRow {
  readonly id: number;
  readonly destination: string;
  readonly reason: SpoolReason;
  readonly bytes: number;
}

/** Counts by destination and reason. */
export interface SpoolCounts {
  readonly records: ReadonlyArray<{
    destination: string;
    reason: string;
    count: number;
    bytes: number;
    oldest: number;
  }>;
  readonly deadLetters: ReadonlyArray<{ destination: string; reason: string; count: number; oldest: number }>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS records (
  id INTEGER PRIMARY KEY,
  destination TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_destination ON records (destination, id);
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  destination TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_by_destination ON dead_letters (destination, id);
CREATE INDEX IF NOT EXISTS dead_letters_by_time ON dead_letters (created_at);
CREATE TABLE IF NOT EXISTS dead_letter_evictions (
  destination TEXT NOT NULL,
  reason TEXT NOT NULL,
  count INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (destination, reason)
);
`;

export class SpoolStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #pending: Database.Statement;
  readonly #oldest: Database.Statement;
  #bytes: number;
  #nextId: number;
  #bootMaxId: number;
  /** Failed deliveries, bounded by age and size. */
  readonly letters: DeadLetterTable;

  /** Wraps an open database, creating the schema when it is new. Use {@link openSpool}. */
  constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
    db.exec(SCHEMA);
    db.pragma(`application_id = ${SPOOL_APPLICATION_ID}`);
    db.pragma(`user_version = ${SPOOL_SCHEMA_VERSION}`);
    this.#insert = db.prepare(
      'INSERT INTO records (id, destination, reason, created_at, expires_at, bytes, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#delete = db.prepare('DELETE FROM records WHERE id = ? RETURNING bytes');
    this.#pending = db.prepare(
      `SELECT id, destination, reason, created_at AS createdAt, expires_at AS expiresAt, bytes, record
       FROM records WHERE destination = ? AND id > ? AND (id <= ? OR reason != 'durable') ORDER BY id LIMIT ?`,
    );
    this.#oldest = db.prepare('SELECT id, destination, reason, bytes FROM records ORDER BY id LIMIT ?');
    const totals = db
      .prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes, COALESCE(MAX(id), 0) AS maxId FROM records')
      .get() as {
      bytes: number;
      maxId: number;
    };
    this.#bytes = totals.bytes;
    this.#bootMaxId = totals.maxId;
    this.#nextId = totals.maxId + 1;
    this.letters = new DeadLetterTable(db);
  }

  /** Highest record id left by earlier runs (including recovered ones): everything up to it is a backlog. */
  get bootMaxId(): number {
    return this.#bootMaxId;
  }

  /**
   * Adds records recovered from an earlier run, in one transaction. They join the backlog of earlier
   * runs, so this must happen before this run writes anything of its own.
   */
  adopt(rows: ReadonlyArray<Omit<SpoolRow, 'id'>>): void {
    if (rows.length === 0) return;
    this.write(
      rows.map((r) => ({ ...r, id: this.nextId() })),
      [],
      [],
    );
    this.#bootMaxId = this.#nextId - 1;
  }

  /** Bytes of record payloads currently stored. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Reserves a record id; ids only grow, so they give the replay order. */
  nextId(): number {
    return this.#nextId++;
  }

  /** Applies inserts, deletions and dead letters in one transaction. */
  write(inserts: Iterable<SpoolRow>, deletes: Iterable<number>, dead: Iterable<DeadLetterRow>): void {
    try {
      this.#db.transaction(() => {
        for (const r of inserts) {
          this.#insert.run(r.id, r.destination, r.reason, r.createdAt, r.expiresAt, r.bytes, r.record);
          this.#bytes += r.bytes;
        }
        for (const id of deletes) {
          const removed = this.#delete.get(id) as { bytes: number } | undefined;
          if (removed) this.#bytes -= removed.bytes;
        }
        for (const d of dead) this.letters.insert(d);
      })();
    } catch (error) {
      // The transaction rolled back: the running totals must too.
      this.#bytes = (
        this.#db.prepare('SELECT COALESCE(SUM(bytes), 0) AS b FROM records').get() as { b: number }
      ).b;
      this.letters.recount();
      throw error;
    }
  }

  /**
   * Records of a destination after `afterId` that wait to be fed to it, oldest first: everything from
   * earlier runs, and this run's rows except durable copies (those are still in memory).
   */
  pending(destination: string, afterId: number, limit: number): SpoolRow[] {
    return this.#pending.all(destination, afterId, this.bootMaxId, limit) as SpoolRow[];
  }

  /** Removes the oldest records until at most `maxBytes` are stored; returns what was removed. */
  evictTo(maxBytes: number): RemovedRow[] {
    const removed: RemovedRow[] = [];
    while (this.#bytes > maxBytes) {
      const victims = this.#oldest.all(256) as RemovedRow[];
      if (victims.length === 0) break;
      const taken: RemovedRow[] = [];
      let freed = 0;
      for (const v of victims) {
        if (this.#bytes - freed <= maxBytes) break;
        taken.push(v);
        freed += v.bytes;
      }
      this.write(
        [],
        taken.map((v) => v.id),
        [],
      );
      removed.push(...taken);
    }
    return removed;
  }

  /** Record counts per destination. */
  backlogs(): Map<string, number> {
    const rows = this.#db
      .prepare('SELECT destination, COUNT(*) AS n FROM records GROUP BY destination')
      .all() as Array<{
      destination: string;
      n: number;
    }>;
    return new Map(rows.map((r) => [r.destination, r.n]));
  }

  /** Counts of records and dead letters, by destination and reason. */
  counts(filter: SpoolFilter = {}): SpoolCounts {
    const w = whereClause(filter);
    const records = this.#db
      .prepare(
        `SELECT destination, reason, COUNT(*) AS count, SUM(bytes) AS bytes, MIN(created_at) AS oldest
         FROM records ${w.sql} GROUP BY destination, reason ORDER BY destination, reason`,
      )
      .all(...w.params) as SpoolCounts['records'];
    const deadLetters = this.#db
      .prepare(
        `SELECT destination, reason, COUNT(*) AS count, MIN(created_at) AS oldest
         FROM dead_letters ${w.sql} GROUP BY destination, reason ORDER BY destination, reason`,
      )
      .all(...w.params) as SpoolCounts['deadLetters'];
    return { records, deadLetters };
  }

  /**
   * Moves dead letters back into the records table for their destination (reason `replay`), in one
   * transaction, so they are delivered through the normal pipeline. Returns how many moved.
   */
  requeueDeadLetters(filter: SpoolFilter, now: number, ttlMs: number): number {
    return this.#db.transaction(() => {
      const letters = this.letters.list(filter);
      const rows = letters.map(
        (l): SpoolRow => ({
          id: this.nextId(),
          destination: l.destination,
          reason: 'replay',
          createdAt: now,
          expiresAt: now + ttlMs,
          bytes: Buffer.byteLength(l.record),
          record: l.record,
        }),
      );
      this.write(rows, [], []);
      this.letters.purge({ ids: letters.map((l) => l.id) });
      return rows.length;
    })();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
