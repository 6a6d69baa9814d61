/**
 * Write-behind for the spool. Callers hand rows over in memory (bounded, O(1)); the writer commits
 * them in one transaction on a later turn of the event loop, never on the caller's stack. A row
 * removed before it was committed is simply never written, so deliveries that succeed quickly cost
 * no disk work at all.
 * @module
 */
import type { DeadLetterRow } from './dead-letter-table.js';
import type { SpoolRow, SpoolStore } from './spool-store.js';

/** How the writer is run and where its failures go. */
export interface SpoolWriterSettings {
  /** Rows (inserts, deletions, dead letters) the hand-off may hold before it refuses more. */
  readonly maxPending: number;
  /** Runs the commit later, off the caller's stack. @default setImmediate, unref'd */
  readonly schedule?: (fn: () => void) => void;
  /**
   * Called after each flush that succeeded, including one with nothing to write: everything handed
   * over until then is on disk or was cancelled (e.g. to enforce the size cap, or checkpoint a journal).
   */
  readonly afterFlush?: () => void;
  /** A commit failed; the inserted rows it carried are lost and handed back for accounting. */
  readonly onFailure: (error: unknown, lostInserts: readonly SpoolRow[]) => void;
}

const defaultSchedule = (fn: () => void): void => {
  setImmediate(fn).unref();
};

export class SpoolWriter {
  readonly #store: SpoolStore;
  readonly #s: SpoolWriterSettings;
  #inserts = new Map<number, SpoolRow>();
  #deletes = new Set<number>();
  #dead: DeadLetterRow[] = [];
  #scheduled = false;
  /** Rows committed so far. */
  committed = 0;

  constructor(store: SpoolStore, settings: SpoolWriterSettings) {
    this.#store = store;
    this.#s = settings;
  }

  /** Operations waiting to be committed. */
  get pending(): number {
    return this.#inserts.size + this.#deletes.size + this.#dead.length;
  }

  /** Whether `n` more rows fit in the hand-off. */
  hasRoom(n: number): boolean {
    return this.pending + n <= this.#s.maxPending;
  }

  insert(row: SpoolRow): void {
    this.#inserts.set(row.id, row);
    this.#schedule();
  }

  /** Removes a stored row, or cancels its insert if it was not committed yet. */
  remove(id: number): void {
    if (!this.#inserts.delete(id)) {
      this.#deletes.add(id);
      this.#schedule();
    }
  }

  deadLetter(row: DeadLetterRow): void {
    this.#dead.push(row);
    this.#schedule();
  }

  /** Runs a flush on a later turn even if nothing is handed over by then. */
  requestFlush(): void {
    this.#schedule();
  }

  /**
   * Hands inserts back after a failed commit, to be tried again with the next one. Not scheduled on
   * their own: a failing disk must not turn into a busy loop.
   */
  restore(rows: readonly SpoolRow[]): void {
    for (const row of rows) this.#inserts.set(row.id, row);
  }

  /** Commits everything handed over so far, now. */
  flushSync(): void {
    if (this.pending === 0) {
      this.#s.afterFlush?.();
      return;
    }
    const inserts = this.#inserts;
    const deletes = this.#deletes;
    const dead = this.#dead;
    this.#inserts = new Map();
    this.#deletes = new Set();
    this.#dead = [];
    try {
      this.#store.write(inserts.values(), deletes, dead);
      this.committed += inserts.size + deletes.size + dead.length;
    } catch (error) {
      // Deletions are idempotent and cost nothing to keep: they go with the next commit.
      for (const id of deletes) this.#deletes.add(id);
      this.#s.onFailure(error, [...inserts.values()]);
      return;
    }
    this.#s.afterFlush?.();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    (this.#s.schedule ?? defaultSchedule)(() => {
      this.#scheduled = false;
      this.flushSync();
    });
  }
}
