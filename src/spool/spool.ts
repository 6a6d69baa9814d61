/**
 * The durable spool behind the pipeline: spilled records wait here in order per destination, durable
 * mode keeps a copy of every delivery until it settles, and dead letters are kept with their reason.
 * Rows are handed to a {@link SpoolWriter} (never written on the caller's stack). Records arrive
 * already normalised and redacted; error texts of dead letters are redacted here. In strict durable
 * mode the spool also checkpoints the emit journal after every flush (see {@link SyncJournal}).
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { DeadLetterReason } from '../pipeline/ledger.js';
import type {
  SpillReason,
  SpoolLoss,
  SpoolLossReason,
  SpoolPort,
  TakenRecord,
} from '../pipeline/spool-port.js';
import type { Clock } from '../resilience/clock.js';
import type { OffpathError } from '../resilience/errors.js';
import { DeadLetterSweeper } from './dead-letter-sweeper.js';
import type { EvictedDeadLetters, StoredDeadLetter } from './dead-letter-table.js';
import { HeldCopies } from './held-copies.js';
import type { MovedAside } from './open-spool.js';
import { SPOOL_DEFAULTS, type SpoolOptions, type SpoolStats } from './spool-options.js';
import type { RemovedRow, SpoolReason, SpoolRow, SpoolStore } from './spool-store.js';
import { SpoolWriter } from './spool-writer.js';
import { storedRecord } from './stored-record.js';
import type { SyncJournal } from './sync-journal.js';

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
  readonly #deadLetters: DeadLetterSweeper;
  readonly #mode: boolean | 'sync';
  readonly #emitJournal: SyncJournal | undefined;
  /** Records in memory that also have a row. */
  readonly #held = new HeldCopies();
  /** destination → id of the last row fed back. */
  readonly #cursor = new Map<string, number>();
  readonly #backlog: Map<string, number>;
  readonly #lost: Partial<Record<SpoolLossReason, number>> = {};
  #listener: ((loss: SpoolLoss) => void) | undefined;
  #closed = false;

  constructor(
    store: SpoolStore,
    options: SpoolOptions,
    deps: {
      clock: Clock;
      redactText: (text: string) => string;
      movedAside?: MovedAside | undefined;
      /** Failures of background work (the dead-letter sweep). */
      onError?: ((error: unknown) => void) | undefined;
      /** The emit journal of strict durable mode, checkpointed after every flush. */
      journal?: SyncJournal | undefined;
    },
  ) {
    this.#store = store;
    this.#mode = options.durable ?? false;
    this.durable = this.#mode !== false;
    this.#emitJournal = deps.journal;
    this.whenBreakerOpen = options.whenBreakerOpen ?? false;
    this.#ttlMs = options.ttlMs ?? SPOOL_DEFAULTS.ttlMs;
    this.#maxBytes = options.maxBytes ?? SPOOL_DEFAULTS.maxBytes;
    this.#clock = deps.clock;
    this.#redactText = deps.redactText;
    this.#movedAside = deps.movedAside;
    this.#backlog = store.backlogs();
    this.#deadLetters = new DeadLetterSweeper(
      store.letters,
      {
        ttlMs: options.deadLetters?.ttlMs ?? SPOOL_DEFAULTS.deadLetters.ttlMs,
        maxBytes: options.deadLetters?.maxBytes ?? SPOOL_DEFAULTS.deadLetters.maxBytes,
      },
      { clock: deps.clock, onError: deps.onError },
    );
    this.#writer = new SpoolWriter(store, {
      maxPending: options.maxPending ?? SPOOL_DEFAULTS.maxPending,
      afterFlush: () => {
        this.#enforceCap();
        this.#deadLetters.afterWrite();
        // Everything routed before this flush is on disk or settled: the journal no longer needs it.
        this.#emitJournal?.checkpoint();
      },
      onFailure: (_error, rows) => {
        this.#lose(
          rows.filter((r) => r.reason !== 'durable'),
          'spool_failed',
        );
        // Durable copies belong to records still in memory: they go with the next commit instead.
        this.#writer.restore(rows.filter((r) => r.reason === 'durable'));
      },
    });
    deps.journal?.onRouted(() => this.#writer.requestFlush());
  }

  onLoss(listener: (loss: SpoolLoss) => void): void {
    this.#listener = listener;
  }

  /** Receives what the dead-letter bounds evict, one call per destination and reason. */
  onDeadLettersEvicted(listener: (evicted: EvictedDeadLetters) => void): void {
    this.#deadLetters.onEvicted(listener);
  }

  spill(destination: string, records: readonly EventRecord[], reason: SpillReason): boolean {
    if (this.#closed || !this.#writer.hasRoom(records.length)) return false;
    let queued = 0;
    for (const record of records) {
      const rowId = this.#held.take(destination, record.id);
      if (rowId !== undefined) {
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
    if (this.#closed || this.#held.has(destination, record.id)) return;
    // A full hand-off may skip the copy in write-behind mode, never in strict mode: the emit journal
    // would otherwise checkpoint past a record that is on disk nowhere. The copies are bounded by the
    // records held in memory anyway.
    if (!this.#emitJournal && !this.#writer.hasRoom(1)) return;
    this.#held.add(destination, record.id, this.#insert(destination, record, 'durable'));
  }

  settle(destination: string, records: readonly EventRecord[]): void {
    if (this.#closed) return;
    for (const r of records) {
      const rowId = this.#held.take(destination, r.id);
      if (rowId !== undefined) this.#writer.remove(rowId);
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
      this.#held.add(destination, id, row.id);
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
    for (const [d, count] of this.#store.backlogs()) this.#backlog.set(d, count - this.#held.count(d));
    return n;
  }

  /** Dead letters matching the filter, oldest first (pending write-behind rows are committed first). */
  deadLetters(filter: Parameters<SpoolStore['letters']['list']>[0], limit?: number): StoredDeadLetter[] {
    this.#writer.flushSync();
    return this.#store.letters.list(filter, limit);
  }

  /** Commits everything handed over so far. */
  flushSync(): void {
    this.#writer.flushSync();
  }

  stats(): SpoolStats {
    const base = {
      path: this.#store.path,
      durable: this.#mode,
      backlog: Object.fromEntries(this.#backlog),
      bytes: this.#store.bytes,
      handoff: this.#writer.pending,
      committed: this.#writer.committed,
      lost: { ...this.#lost },
      deadLetters: this.#deadLetters.stats(),
      ...(this.#emitJournal ? { journal: this.#emitJournal.stats() } : {}),
    };
    return this.#movedAside ? { ...base, movedAside: this.#movedAside } : base;
  }

  /** Commits what is pending and closes the file. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#writer.flushSync();
    this.#deadLetters.stop();
    this.#emitJournal?.close();
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
    this.#lose(removed, 'spool_full');
  }

  /** Records the spool lost on its own: their destination's backlog shrinks and its ledger counts them. */
  #lose(rows: readonly RemovedRow[], reason: SpoolLossReason): void {
    const byDestination = new Map<string, RemovedRow[]>();
    for (const row of rows) {
      const list = byDestination.get(row.destination);
      if (list) list.push(row);
      else byDestination.set(row.destination, [row]);
    }
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
      ? storedRecord(value as EventRecord)
      : undefined;
  } catch {
    return undefined;
  }
}
