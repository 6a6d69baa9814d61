/**
 * The partial-failure scenario shared by the acceptance test and the bench: an HTTP collector that
 * answers 20 % of requests 503, resets 5 % of connections and answers 5 % `429 Retry-After: 1`; events
 * of about 200 bytes; what the collector holds afterwards.
 */
/** The part of the collector emulator these readings need (so the bench can pass the built one). */
export interface CollectorReading {
  items(): unknown[];
  readonly received: ReadonlyArray<{
    readonly method: string;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  }>;
}

/** The fault mix of issue 13. */
export const FAULT_MIX = {
  fail: 0.2,
  failStatus: 503,
  reset: 0.05,
  rateLimit: 0.05,
  retryAfterSec: 1,
} as const;

/** Event number `n`: about 200 bytes of JSON. */
export function orderEvent(n: number) {
  return {
    level: 'info' as const,
    message: `order ${n} placed by customer ${n % 977} with 3 items`,
    fields: {
      orderId: n,
      amount: 1999 + (n % 500),
      currency: 'EUR',
      sku: `SKU-${n % 1000}`,
      region: 'eu-west-1',
    },
  };
}

/** Distinct events the collector accepted (duplicate batches, by idempotency key, are not counted twice). */
export function distinctDelivered(collector: CollectorReading): number {
  return new Set(collector.items().map((item) => (item as { fields: { orderId: number } }).fields.orderId))
    .size;
}

/** POST requests per idempotency key (one key per batch, kept across its retries). */
export function postsPerBatch(collector: CollectorReading): number[] {
  const counts = new Map<string, number>();
  for (const r of collector.received) {
    if (r.method !== 'POST') continue;
    const key = String(r.headers['idempotency-key']);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.values()];
}
