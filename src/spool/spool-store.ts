/**
 * The spool's file: a SQLite database (WAL) with two tables. `records` holds deliveries waiting for
 * their destination, in order per destination; `dead_letters` holds deliveries that failed for good.
 * Everything stored is the normalised record after redaction, as JSON. All calls are synchronous and
 * are only made off the caller's stack (by {@link SpoolWriter} and the pipeline's feeder).
 * @module
 */
import type Database from 'better-sqlite3';

/** `PRAGMA application_id` of an offpath spool ("offp"), so a foreign SQLite file is recognised. */
export const SPOOL_APPLICATION_ID = 0x6f666670;
/** Schema version kept in `PRAGMA user_version`. */
export const SPOOL_SCHEMA_VERSION = 1;

/** Why a record waits in the spool. `durable` rows are copies of records also held in memory. */
export type SpoolReason = 'overflow' | 'shutdown' | 'breaker-open' | 'durable' | 'replay';

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

/** Which dead letters or records a query covers; every field narrows. */
export interface SpoolFilter {
  readonly destination?: string | undefined;
  /** Epoch ms: only entries stored at or after it. */
  readonly since?: number | undefined;
  readonly reason?: string | undefined;
  readonly ids?: readonly number[] | undefined;
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
`;

/** Builds a WHERE clause and its parameters from a filter. */
function where(filter: SpoolFilter): { sql: string; params: Array<string | number> } {
  const parts: string[] = [];
  const params: Array<string | number> = [];
  if (filter.destination !== undefined) {
    parts.push('destination = ?');
    params.push(filter.destination);
  }
  if (filter.since !== undefined) {
    parts.push('created_at >= ?');
    params.push(filter.since);
  }
  if (filter.reason !== undefined) {
    parts.push('reason = ?');
    params.push(filter.reason);
  }
  if (filter.ids !== undefined) {
    parts.push(`id IN (${filter.ids.map(() => '?').join(',') || 'NULL'})`);
    params.push(...filter.ids);
  }
  return { sql: parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`, params };
}

export class SpoolStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #insertDead: Database.Statement;
  readonly #pending: Database.Statement;
  readonly #oldest: Database.Statement;
  #bytes: number;
  #nextId: number;
  /** Highest record id that existed when the file was opened: everything up to it is a backlog. */
  readonly bootMaxId: number;

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
    this.#insertDead = db.prepare(
      'INSERT INTO dead_letters (destination, reason, created_at, attempts, last_status, last_error, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
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
    this.bootMaxId = totals.maxId;
    this.#nextId = totals.maxId + 1;
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
    this.#db.transaction(() => {
      for (const r of inserts) {
        this.#insert.run(r.id, r.destination, r.reason, r.createdAt, r.expiresAt, r.bytes, r.record);
        this.#bytes += r.bytes;
      }
      for (const id of deletes) {
        const removed = this.#delete.get(id) as { bytes: number } | undefined;
        if (removed) this.#bytes -= removed.bytes;
      }
      for (const d of dead) {
        this.#insertDead.run(
          d.destination,
          d.reason,
          d.createdAt,
          d.attempts,
          d.lastStatus,
          d.lastError,
          d.record,
        );
      }
    })();
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
    const w = where(filter);
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

  /** Dead letters matching the filter, oldest first. */
  deadLetters(filter: SpoolFilter = {}, limit = Number.MAX_SAFE_INTEGER): StoredDeadLetter[] {
    const w = where(filter);
    return this.#db
      .prepare(
        `SELECT id, destination, reason, created_at AS createdAt, attempts, last_status AS lastStatus,
                last_error AS lastError, record
         FROM dead_letters ${w.sql} ORDER BY id LIMIT ?`,
      )
      .all(...w.params, limit) as StoredDeadLetter[];
  }

  /** Deletes dead letters matching the filter; returns how many. */
  purgeDeadLetters(filter: SpoolFilter): number {
    const w = where(filter);
    return this.#db.prepare(`DELETE FROM dead_letters ${w.sql}`).run(...w.params).changes;
  }

  /**
   * Moves dead letters back into the records table for their destination (reason `replay`), in one
   * transaction, so they are delivered through the normal pipeline. Returns how many moved.
   */
  requeueDeadLetters(filter: SpoolFilter, now: number, ttlMs: number): number {
    return this.#db.transaction(() => {
      const letters = this.deadLetters(filter);
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
      this.purgeDeadLetters({ ids: letters.map((l) => l.id) });
      return rows.length;
    })();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
