/**
 * Which records held in memory also have a row in the spool (their durable copy, or the row they
 * were fed back from), per destination: when such a record settles, its row goes.
 * @module
 */
export class HeldCopies {
  /** destination → record id → spool row id. */
  readonly #rows = new Map<string, Map<number, number>>();

  has(destination: string, recordId: number): boolean {
    return this.#rows.get(destination)?.has(recordId) ?? false;
  }

  add(destination: string, recordId: number, rowId: number): void {
    let rows = this.#rows.get(destination);
    if (!rows) {
      rows = new Map();
      this.#rows.set(destination, rows);
    }
    rows.set(recordId, rowId);
  }

  /** Forgets the record's row and returns its id, or undefined when it has none. */
  take(destination: string, recordId: number): number | undefined {
    const rows = this.#rows.get(destination);
    const rowId = rows?.get(recordId);
    if (rowId !== undefined) rows?.delete(recordId);
    return rowId;
  }

  /** Records of a destination held with a row. */
  count(destination: string): number {
    return this.#rows.get(destination)?.size ?? 0;
  }
}
