/**
 * Requests a source is following, keyed by the client's own request object. Bounded: past `max`,
 * the oldest entry is forgotten and counted; entries leave on every path (response, error, abort).
 * @module
 */
export class PendingRequests<K extends object, V> {
  readonly #entries = new Map<K, V>();
  readonly #max: number;
  /** Entries forgotten because the table was full. */
  overflow = 0;

  constructor(max = 10_000) {
    this.#max = max;
  }

  get size(): number {
    return this.#entries.size;
  }

  set(key: K, value: V): void {
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
      this.overflow++;
    }
    this.#entries.set(key, value);
  }

  /** Removes and returns the entry. */
  take(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) this.#entries.delete(key);
    return value;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
