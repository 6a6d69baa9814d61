/**
 * The durable spool behind the pipeline: spilled records wait here in order per destination, durable
 * mode keeps a copy of every delivery until it settles, and dead letters are kept with their reason.
 * Rows are handed to a {@link SpoolWriter} (never written on the caller's stack). Records arrive
 * already normalised and redacted; error texts of dead letters are redacted here.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { SpillReason } from '../pipeline/lane-observer.js';
import type { DeadLetterReason } from '../pipeline/ledger.js';
import type { SpoolLoss, SpoolLossReason, SpoolPort, TakenRecord } from '../pipeline/spool-port.js';
import type { Clock } from '../resilience/clock.js';
import type { OffpathError } from '../resilience/errors.js';
import type { MovedAside } from './open-spool.js';
import type { RemovedRow, SpoolReason, SpoolRow, SpoolStore, StoredDeadLetter } from './spool-store.js';
import { SpoolWriter } from './spool-writer.js';

/** Spool settings (the `spool` section of the config, minus the path). */
export interface SpoolOptions {
  /** Keep every accepted delivery on disk until its destination acknowledges it. @default false */
  readonly durable?: boolean | undefined;
  /** Records older than this are dropped (counted as dropped:expired). @default 604_800_000 (7 days) */
  readonly ttlMs?: number | undefined;
  /** Size cap of stored records; the oldest go first (counted as dropped:spool_full). @default 268_435_456 (256 MiB) */
  readonly maxBytes?: number | undefined;
  /** Spill everything for a destination while its circuit is open. @default false */
  readonly whenBreakerOpen?: boolean | undefined;
  /** Rows the in-memory hand-off may hold before spilling is refused. @default 100_000 */
  readonly maxPending?: number | undefined;
}

/** Figures reported in `stats().spool`. */
export interface SpoolStats {
  readonly path: string;
  readonly durable: boolean;
  /** Records waiting to be fed back, per destination. */
  readonly backlog: Readonly<Record<string, number>>;
  readonly bytes: number;
  /** Rows waiting in the write-behind hand-off. */
  readonly handoff: number;
  /** Rows committed to disk since start. */
  readonly committed: number;
  readonly lost: Readonly<Partial<Record<SpoolLossReason, number>>>;
  /** Set when the file found at start was unusable and moved aside. */
  readonly movedAside?: MovedAside;
}

export const SPOOL_DEFAULTS = {
  ttlMs: 7 * 24 * 3_600_000,
  maxBytes: 256 * 1024 * 1024,
  maxPending: 100_000,
} as const;

export class Spool implements SpoolPort {
  readonly durable: boolean;
  readonly whenBreakerOpen: boolean;
  readonly #store: SpoolStore;
  readonly #writer: SpoolWriter;
  readonly #clock: Clock;
  readonly #redactText: (text: string) => string;
  readonly #ttlMs: number;
  readonly #maxBytes: number;
  readonly #movedAside: MovedAside | undefined;
  /** destination → record id → spool row id, for records in memory that also have a row. */
  readonly #journal = new Map<string, Map<number, number>>();
  /** destination → id of the last row fed back. */
  readonly #cursor = new Map<string, number>();
  readonly #backlog: Map<string, number>;
  readonly #lost: Partial<Record<SpoolLossReason, number>> = {};
  #listener: ((loss: SpoolLoss) => void) | undefined;
  #closed = false;

  constructor(
    store: SpoolStore,
    options: SpoolOptions,
    deps: { clock: Clock; redactText: (text: string) => string; movedAside?: MovedAside | undefined },
  ) {
    this.#store = store;
    this.durable = options.durable ?? false;
    this.whenBreakerOpen = options.whenBreakerOpen ?? false;
    this.#ttlMs = options.ttlMs ?? SPOOL_DEFAULTS.ttlMs;
    this.#maxBytes = options.maxBytes ?? SPOOL_DEFAULTS.maxBytes;
    this.#clock = deps.clock;
    this.#redactText = deps.redactText;
    this.#movedAside = deps.movedAside;
    this.#backlog = store.backlogs();
    this.#writer = new SpoolWriter(store, {
      maxPending: options.maxPending ?? SPOOL_DEFAULTS.maxPending,
      afterCommit: () => this.#enforceCap(),
      onFailure: (_error, rows) => this.#lose(rows, 'spool_failed'),
    });
  }

  onLoss(listener: (loss: SpoolLoss) => void): void {
    this.#listener = listener;
  }

  spill(destination: string, records: readonly EventRecord[], reason: SpillReason): boolean {
    if (this.#closed || !this.#writer.hasRoom(records.length)) return false;
    const journal = this.#journal.get(destination);
    let queued = 0;
    for (const record of records) {
      const rowId = journal?.get(record.id);
      if (rowId !== undefined) {
        journal?.delete(record.id);
        // At shutdown its row simply stays for the next run; otherwise it must queue up again behind the cursor.
        if (reason === 'shutdown') continue;
        this.#writer.remove(rowId);
      }
      this.#insert(destination, record, reason);
      queued++;
    }
    if (reason !== 'shutdown') this.#backlog.set(destination, this.backlog(destination) + queued);
    return true;
  }

  journal(destination: string, record: EventRecord): void {
    if (this.#closed || this.#journalOf(destination).has(record.id) || !this.#writer.hasRoom(1)) return;
    this.#journalOf(destination).set(record.id, this.#insert(destination, record, 'durable'));
  }

  settle(destination: string, records: readonly EventRecord[]): void {
    const journal = this.#journal.get(destination);
    if (!journal || this.#closed) return;
    for (const r of records) {
      const rowId = journal.get(r.id);
      if (rowId === undefined) continue;
      journal.delete(r.id);
      this.#writer.remove(rowId);
    }
  }

  deadLetter(
    destination: string,
    records: readonly EventRecord[],
    reason: DeadLetterReason,
    attempts: number,
    error: OffpathError | undefined,
  ): void {
    if (this.#closed) return;
    const lastError = error ? this.#redactText(`${error.code}: ${error.message}`) : null;
    const now = this.#clock.now();
    for (const record of records) {
      this.#writer.deadLetter({
        destination,
        reason,
        createdAt: now,
        attempts,
        lastStatus: error?.statusCode ?? null,
        lastError,
        record: JSON.stringify(record),
      });
    }
    this.settle(destination, records);
  }

  backlog(destination: string): number {
    return this.#backlog.get(destination) ?? 0;
  }

  take(destination: string, max: number, nextId: () => number): TakenRecord[] {
    if (this.#closed || this.backlog(destination) === 0 || max <= 0) return [];
    this.#writer.flushSync();
    const rows = this.#store.pending(destination, this.#cursor.get(destination) ?? 0, max);
    const now = this.#clock.now();
    const taken: TakenRecord[] = [];
    const expired: SpoolRow[] = [];
    const unreadable: SpoolRow[] = [];
    const journal = this.#journalOf(destination);
    for (const row of rows) {
      this.#cursor.set(destination, row.id);
      if (row.expiresAt <= now) {
        expired.push(row);
        continue;
      }
      const record = parseRecord(row.record);
      if (!record) {
        unreadable.push(row);
        continue;
      }
      const id = nextId();
      journal.set(id, row.id);
      taken.push({ record: { ...record, id }, bytes: row.bytes, spilledHere: this.#spilledHere(row) });
    }
    this.#backlog.set(
      destination,
      rows.length === 0 ? 0 : Math.max(0, this.backlog(destination) - rows.length),
    );
    for (const row of [...expired, ...unreadable]) this.#writer.remove(row.id);
    // The backlog count is a hint; the file is the truth, so an empty read resets it.
    this.#report(destination, expired, 'expired');
    this.#report(destination, unreadable, 'spool_failed');
    return taken;
  }

  /** Moves dead letters back into the spool to be delivered again (see `offpath dlq replay`). */
  requeueDeadLetters(filter: Parameters<SpoolStore['requeueDeadLetters']>[0]): number {
    this.#writer.flushSync();
    const n = this.#store.requeueDeadLetters(filter, this.#clock.now(), this.#ttlMs);
    this.#backlog.clear();
    for (const [d, count] of this.#store.backlogs()) this.#backlog.set(d, count - this.#heldCount(d));
    return n;
  }

  /** Dead letters matching the filter, oldest first (pending write-behind rows are committed first). */
  deadLetters(filter: Parameters<SpoolStore['deadLetters']>[0], limit?: number): StoredDeadLetter[] {
    this.#writer.flushSync();
    return this.#store.deadLetters(filter, limit);
  }

  /** Commits everything handed over so far. */
  flushSync(): void {
    this.#writer.flushSync();
  }

  stats(): SpoolStats {
    const base = {
      path: this.#store.path,
      durable: this.durable,
      backlog: Object.fromEntries(this.#backlog),
      bytes: this.#store.bytes,
      handoff: this.#writer.pending,
      committed: this.#writer.committed,
      lost: { ...this.#lost },
    };
    return this.#movedAside ? { ...base, movedAside: this.#movedAside } : base;
  }

  /** Commits what is pending and closes the file. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#writer.flushSync();
    this.#closed = true;
    this.#store.close();
  }

  #insert(destination: string, record: EventRecord, reason: SpoolReason): number {
    const json = JSON.stringify(record);
    const now = this.#clock.now();
    const id = this.#store.nextId();
    this.#writer.insert({
      id,
      destination,
      reason,
      createdAt: now,
      expiresAt: now + this.#ttlMs,
      bytes: Buffer.byteLength(json),
      record: json,
    });
    return id;
  }

  #journalOf(destination: string): Map<number, number> {
    let journal = this.#journal.get(destination);
    if (!journal) {
      journal = new Map();
      this.#journal.set(destination, journal);
    }
    return journal;
  }

  #heldCount(destination: string): number {
    return this.#journal.get(destination)?.size ?? 0;
  }

  /** Rows this run spilled are counted as spooled by its ledger; earlier runs' rows are not. */
  #spilledHere(row: RemovedRow): boolean {
    return row.id > this.#store.bootMaxId && row.reason !== 'replay' && row.reason !== 'durable';
  }

  #enforceCap(): void {
    if (this.#store.bytes <= this.#maxBytes) return;
    const removed = this.#store.evictTo(this.#maxBytes).filter((row) => {
      // Rows already fed back, and durable copies of records in memory, are not lost: only the copy is.
      const fed = row.id <= (this.#cursor.get(row.destination) ?? 0);
      return !fed && !(row.reason === 'durable' && row.id > this.#store.bootMaxId);
    });
    const byDestination = new Map<string, RemovedRow[]>();
    for (const row of removed) {
      byDestination.set(row.destination, [...(byDestination.get(row.destination) ?? []), row]);
      this.#backlog.set(row.destination, Math.max(0, this.backlog(row.destination) - 1));
    }
    for (const [destination, rows] of byDestination) this.#report(destination, rows, 'spool_full');
  }

  #lose(rows: readonly SpoolRow[], reason: SpoolLossReason): void {
    const lost = rows.filter((r) => r.reason !== 'durable');
    const byDestination = new Map<string, SpoolRow[]>();
    for (const row of lost)
      byDestination.set(row.destination, [...(byDestination.get(row.destination) ?? []), row]);
    for (const [destination, list] of byDestination) {
      this.#backlog.set(destination, Math.max(0, this.backlog(destination) - list.length));
      this.#report(destination, list, reason);
    }
  }

  #report(destination: string, rows: readonly RemovedRow[], reason: SpoolLossReason): void {
    if (rows.length === 0) return;
    this.#lost[reason] = (this.#lost[reason] ?? 0) + rows.length;
    const spilledHere = rows.filter((r) => this.#spilledHere(r)).length;
    this.#listener?.({ destination, reason, spilledHere, fromEarlierRuns: rows.length - spilledHere });
  }
}

function parseRecord(json: string): EventRecord | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && typeof (value as EventRecord).level === 'string'
      ? (value as EventRecord)
      : undefined;
  } catch {
    return undefined;
  }
}
