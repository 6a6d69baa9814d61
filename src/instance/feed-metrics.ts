/**
 * Feeds an instance's event stream into the resilience kit's {@link MetricsCollector}, typed.
 * @module
 */
import type { OffpathEvents } from '../pipeline/events.js';
import type { MetricsCollector } from '../resilience/telemetry.js';

/** The part of an instance this adapter needs: its typed `on`. */
export interface OffpathEventSource {
  on<K extends keyof OffpathEvents>(type: K, listener: (payload: OffpathEvents[K]) => void): () => void;
}

/**
 * Counts the instance's delivery attempts, retries, rate limits and circuit changes in `collector`
 * (the instance names a destination `destination`, the kit names it `target`: mapped here).
 * Returns a function that unsubscribes.
 * @example
 * const metrics = new MetricsCollector();
 * const stop = feedMetrics(metrics, offpath);
 * metrics.snapshot().successRate;
 */
export function feedMetrics(collector: MetricsCollector, source: OffpathEventSource): () => void {
  const offs = [
    source.on('request-start', (p) =>
      collector.record('request-start', { target: p.destination, attempt: p.attempt }),
    ),
    source.on('request-success', (p) =>
      collector.record('request-success', {
        target: p.destination,
        attempt: p.attempt,
        latencyMs: p.latencyMs,
      }),
    ),
    source.on('request-failure', (p) =>
      collector.record('request-failure', {
        target: p.destination,
        attempt: p.attempt,
        latencyMs: p.latencyMs,
        error: p.error,
      }),
    ),
    source.on('retry', (p) =>
      collector.record('retry', {
        target: p.destination,
        attempt: p.attempt,
        delayMs: p.delayMs,
        error: p.error,
      }),
    ),
    source.on('rate-limited', (p) =>
      collector.record('rate-limited', { target: p.destination, waitMs: p.waitMs, source: p.source }),
    ),
    source.on('circuit-state', (p) =>
      collector.record('circuit-state', { target: p.destination, from: p.from, to: p.to, at: p.at }),
    ),
  ];
  return () => {
    for (const off of offs) off();
  };
}
