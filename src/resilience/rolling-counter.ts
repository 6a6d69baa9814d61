/**
 * A count over a sliding time window in constant memory.
 * @module
 */
import type { Clock } from './clock.js';

/**
 * Counts what happened during the last `windowMs`, in `buckets` slices. Memory is two small arrays
 * whatever the rate; the price is granularity: the window slides by whole slices of
 * `windowMs / buckets`, so an event is forgotten between `windowMs - windowMs / buckets` and `windowMs`
 * after it happened.
 */
export class RollingCounter {
  readonly #clock: Clock;
  readonly #sliceMs: number;
  readonly #counts: Float64Array;
  readonly #slices: Float64Array;

  /** @param buckets number of slices @default 10 */
  constructor(clock: Clock, windowMs: number, buckets = 10) {
    this.#clock = clock;
    this.#sliceMs = windowMs / buckets;
    this.#counts = new Float64Array(buckets);
    this.#slices = new Float64Array(buckets).fill(Number.NEGATIVE_INFINITY);
  }

  /** Adds `n` now. */
  add(n = 1): void {
    const slice = Math.floor(this.#clock.now() / this.#sliceMs);
    const i = mod(slice, this.#counts.length);
    if (this.#slices[i] !== slice) {
      this.#slices[i] = slice;
      this.#counts[i] = 0;
    }
    this.#counts[i] = (this.#counts[i] ?? 0) + n;
  }

  /** The total over the window ending now. */
  total(): number {
    const current = Math.floor(this.#clock.now() / this.#sliceMs);
    let sum = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      const age = current - (this.#slices[i] ?? Number.NEGATIVE_INFINITY);
      if (age >= 0 && age < this.#counts.length) sum += this.#counts[i] ?? 0;
    }
    return sum;
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
