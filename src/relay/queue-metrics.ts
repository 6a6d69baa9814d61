/**
 * `/metrics` of the relay's shared queue: its state (shared or local fallback), what was appended,
 * taken locally, claimed from other replicas, set aside as dead letters and acknowledged, what this replica holds, and the
 * stream's own length and pending count (read from Redis at scrape time; NaN while it is away).
 * @module
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StreamQueue } from '../coordination/redis/stream-queue.js';

/** The counters the queue's parts increment. */
export interface QueueMetrics {
  readonly appended: Counter;
  readonly local: Counter;
  readonly claimed: Counter;
  readonly acknowledged: Counter;
  readonly unreadable: Counter;
  readonly dead: Counter;
  /** Removes the collectors from the registry. */
  stop(): void;
}

export function registerQueueMetrics(
  registry: Registry,
  sources: { state: () => 'shared' | 'fallback'; held: () => number; queue: StreamQueue },
): QueueMetrics {
  const names: string[] = [];
  const counter = (name: string, help: string): Counter => {
    names.push(name);
    return new Counter({ name, help, registers: [registry] });
  };
  const gauge = (
    name: string,
    help: string,
    collect: (this: Gauge) => void | Promise<void>,
    labelNames: string[] = [],
  ) => {
    names.push(name);
    return new Gauge({ name, help, labelNames, registers: [registry], collect });
  };
  gauge(
    'offpath_relay_queue_state',
    '1 for the shared queue state: shared (on the Redis stream) or fallback (Redis unavailable: ingest uses this process and its spool).',
    function () {
      const state = sources.state();
      this.set({ state: 'shared' }, state === 'shared' ? 1 : 0);
      this.set({ state: 'fallback' }, state === 'fallback' ? 1 : 0);
    },
    ['state'],
  );
  gauge('offpath_relay_queue_held', 'Stream entries this replica is delivering.', function () {
    this.set(sources.held());
  });
  // One round trip per scrape for both gauges (the registry collects them in order, concurrently);
  // while Redis is away they read NaN (unknown) rather than a stale or a made-up 0.
  let reading: Promise<{ length: number; pending: number } | undefined> = Promise.resolve(undefined);
  const show = async (gauge: Gauge, pick: 'length' | 'pending'): Promise<void> => {
    const depth = await reading;
    gauge.set(depth ? depth[pick] : Number.NaN);
  };
  gauge(
    'offpath_relay_queue_length',
    'Entries in the shared stream (waiting and being delivered), all replicas together.',
    function () {
      reading = sources.queue.depth().then(
        (read) => (read.ok ? read.value : undefined),
        () => undefined,
      );
      return show(this, 'length');
    },
  );
  gauge(
    'offpath_relay_queue_pending',
    'Entries of the shared stream given to a replica and not yet acknowledged, all replicas together.',
    function () {
      return show(this, 'pending');
    },
  );
  return {
    appended: counter('offpath_relay_queue_appended_total', 'Events ingest appended to the shared stream.'),
    local: counter(
      'offpath_relay_queue_local_total',
      'Events ingest took into this process because Redis was unavailable (local spool fallback).',
    ),
    claimed: counter(
      'offpath_relay_queue_claimed_total',
      'Entries this replica claimed from another that held them too long (a crashed replica): delivered again, so possibly duplicates.',
    ),
    acknowledged: counter(
      'offpath_relay_queue_acknowledged_total',
      'Entries this replica acknowledged once every destination settled them.',
    ),
    unreadable: counter(
      'offpath_relay_queue_unreadable_total',
      'Entries whose payload was not an event (acknowledged, never delivered).',
    ),
    dead: counter(
      'offpath_relay_queue_dead_total',
      'Entries this replica moved to the dead-letter stream when claiming them: given out server.queue.maxDeliveries times without settling (never delivered again).',
    ),
    stop: () => {
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}
