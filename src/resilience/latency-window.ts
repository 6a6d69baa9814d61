/**
 * Percentiles over the most recent samples, in fixed memory.
 * @module
 */

/** Summary of the samples in a {@link LatencyWindow}; every statistic is 0 when `samples` is 0. */
export interface LatencySummary {
  /** Samples the summary covers (at most the window's capacity). */
  readonly samples: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/**
 * Keeps the last `capacity` samples in a ring (8 bytes each) and answers exact nearest-rank percentiles
 * over them. Recording is O(1); {@link summary} copies and sorts, O(n log n), so call it when reading
 * stats, not per sample. Accuracy: exact for the window, blind to anything older than the last
 * `capacity` samples.
 */
export class LatencyWindow {
  readonly #samples: Float64Array;
  #next = 0;
  #size = 0;

  /** @param capacity samples kept @default 1024 */
  constructor(capacity = 1024) {
    if (!(Number.isInteger(capacity) && capacity > 0)) {
      throw new TypeError(`LatencyWindow: capacity must be a positive integer, got ${capacity}`);
    }
    this.#samples = new Float64Array(capacity);
  }

  /** Adds one sample, forgetting the oldest when full. Non-finite or negative samples are ignored. */
  record(value: number): void {
    if (!(Number.isFinite(value) && value >= 0)) return;
    this.#samples[this.#next] = value;
    this.#next = (this.#next + 1) % this.#samples.length;
    if (this.#size < this.#samples.length) this.#size++;
  }

  /** Forgets every sample. */
  clear(): void {
    this.#next = 0;
    this.#size = 0;
  }

  /** Min, max, mean and p50/p95/p99 (nearest rank) of the samples held. */
  summary(): LatencySummary {
    const n = this.#size;
    if (n === 0) return { samples: 0, min: 0, max: 0, mean: 0, p50: 0, p95: 0, p99: 0 };
    const sorted = this.#samples.slice(0, n).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)] ?? 0;
    return {
      samples: n,
      min: sorted[0] ?? 0,
      max: sorted[n - 1] ?? 0,
      mean: sum / n,
      p50: rank(50),
      p95: rank(95),
      p99: rank(99),
    };
  }
}
