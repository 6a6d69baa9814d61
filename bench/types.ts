/** One measured number, with the target it is held to. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly pass?: boolean;
}

/** Percentile of a sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** A sink that accepts everything and keeps nothing, at once or after `latencyMs` per batch. */
export function discardSink(latencyMs = 0) {
  return {
    type: 'discard',
    maxBatchSize: 500,
    format: (batch: readonly unknown[]) => [{ payload: batch.length, records: batch as never }],
    send: async () => {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      return { ok: true } as const;
    },
  };
}
