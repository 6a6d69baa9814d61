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
  /** Called after each commit (e.g. to enforce the size cap). */
  readonly afterCommit?: () => void;
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

  /** Commits everything handed over so far, now. */
  flushSync(): void {
    if (this.pending === 0) return;
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
      this.#s.onFailure(error, [...inserts.values()]);
      return;
    }
    this.#s.afterCommit?.();
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
