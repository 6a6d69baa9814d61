/**
 * Prometheus metrics of an offpath instance: its ledger (`stats()`), its health (`health()`) and its
 * event stream (send latency, 429s), read at scrape time so nothing is counted twice or kept apart
 * from the instance's own books. Labels are destination names, reasons and states only.
 * @module
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Offpath, OffpathStats } from '../instance/create-offpath.js';

const CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const;
const HEALTH_STATES = ['healthy', 'degraded', 'rate-limited', 'open-circuit', 'disabled'] as const;
const COORDINATION_STATES = ['shared', 'fallback', 'local'] as const;

/** Registers the instance's metrics; returns a function that stops listening to its events. */
export function registerInstanceMetrics(registry: Registry, instance: Offpath): () => void {
  const registers = [registry];
  // One stats() per scrape, shared by every collector of that scrape.
  let cached: { at: number; stats: OffpathStats } | undefined;
  const stats = (): OffpathStats => {
    const now = performance.now();
    if (!cached || now - cached.at > 100) cached = { at: now, stats: instance.stats() };
    return cached.stats;
  };

  type Destination = OffpathStats['destinations'][string];
  // Ledger totals are the instance's own monotonic counters and gauges: each scrape copies them.
  const perDestination = (
    kind: 'counter' | 'gauge',
    name: string,
    help: string,
    read: (d: Destination) => number,
  ): void => {
    const config = { name, help, labelNames: ['destination'] as const, registers };
    if (kind === 'counter') {
      new Counter({
        ...config,
        collect() {
          this.reset();
          for (const [destination, d] of Object.entries(stats().destinations))
            this.inc({ destination }, read(d));
        },
      });
    } else {
      new Gauge({
        ...config,
        collect() {
          this.reset();
          for (const [destination, d] of Object.entries(stats().destinations))
            this.set({ destination }, read(d));
        },
      });
    }
  };
  perDestination(
    'counter',
    'offpath_events_accepted_total',
    'Deliveries accepted (one event for one destination).',
    (d) => d.accepted,
  );
  perDestination(
    'counter',
    'offpath_events_delivered_total',
    'Deliveries confirmed by the destination.',
    (d) => d.delivered,
  );
  perDestination(
    'counter',
    'offpath_events_digested_total',
    'Deliveries merged into a digest.',
    (d) => d.digested,
  );
  perDestination(
    'gauge',
    'offpath_queue_depth',
    'Records waiting in the destination queue (memory).',
    (d) => d.queueDepth,
  );
  perDestination(
    'gauge',
    'offpath_queue_bytes',
    'Bytes held by the destination queue (approximate).',
    (d) => d.memoryBytes,
  );
  perDestination(
    'gauge',
    'offpath_pending_deliveries',
    'Deliveries accepted and not yet settled (memory and spool).',
    (d) => d.pending,
  );

  const byReason = (
    name: string,
    help: string,
    read: (d: Destination) => Readonly<Record<string, number | undefined>>,
  ): void => {
    new Counter({
      name,
      help,
      labelNames: ['destination', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const [destination, d] of Object.entries(stats().destinations)) {
          for (const [reason, n] of Object.entries(read(d))) this.inc({ destination, reason }, n ?? 0);
        }
      },
    });
  };
  byReason('offpath_events_dropped_total', 'Deliveries dropped, by reason.', (d) => d.droppedBy);
  byReason(
    'offpath_events_dead_lettered_total',
    'Deliveries dead-lettered, by reason.',
    (d) => d.deadLetteredBy,
  );

  new Counter({
    name: 'offpath_events_refused_total',
    help: 'Events emit() refused at the door (never accepted), by reason.',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(stats().refusedBy)) this.inc({ reason }, n ?? 0);
    },
  });

  new Gauge({
    name: 'offpath_spool_backlog',
    help: 'Records waiting in the durable spool, by destination.',
    labelNames: ['destination'],
    registers,
    collect() {
      this.reset();
      for (const [destination, n] of Object.entries(stats().spool?.backlog ?? {}))
        this.set({ destination }, n);
    },
  });
  new Gauge({
    name: 'offpath_spool_bytes',
    help: 'Bytes of records stored in the spool file.',
    registers,
    collect() {
      this.set(stats().spool?.bytes ?? 0);
    },
  });
  new Gauge({
    name: 'offpath_intake_events',
    help: 'Events accepted by emit() and not yet routed.',
    registers,
    collect() {
      this.set(stats().intake);
    },
  });
  new Gauge({
    name: 'offpath_circuit_state',
    help: 'Circuit breaker state of each destination (1 for the current state, 0 for the others).',
    labelNames: ['destination', 'state'],
    registers,
    collect() {
      this.reset();
      for (const [destination, d] of Object.entries(stats().destinations)) {
        for (const state of CIRCUIT_STATES) this.set({ destination, state }, d.circuit === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'offpath_destination_health',
    help: 'Health state of each destination (1 for the current state, 0 for the others).',
    labelNames: ['destination', 'state'],
    registers,
    collect() {
      this.reset();
      for (const [destination, h] of Object.entries(instance.health().destinations)) {
        for (const state of HEALTH_STATES) this.set({ destination, state }, h.state === state ? 1 : 0);
      }
    },
  });

  new Gauge({
    name: 'offpath_coordination_state',
    help: 'With a coordination section: shared (Redis answers), fallback (Redis away) or local (no Redis), 1 for the current state.',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      const current = instance.health().coordination?.state;
      if (current === undefined) return;
      for (const state of COORDINATION_STATES) this.set({ state }, current === state ? 1 : 0);
    },
  });

  const latency = new Histogram({
    name: 'offpath_send_duration_seconds',
    help: 'Duration of each request to a destination, by outcome.',
    labelNames: ['destination', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const rateLimited = new Counter({
    name: 'offpath_rate_limited_responses_total',
    help: 'HTTP 429 answers received from destinations.',
    labelNames: ['destination'],
    registers,
  });
  const offSuccess = instance.on('request-success', (e) =>
    latency.observe({ destination: e.destination, outcome: 'success' }, e.latencyMs / 1000),
  );
  const offFailure = instance.on('request-failure', (e) => {
    latency.observe({ destination: e.destination, outcome: 'failure' }, e.latencyMs / 1000);
    if (e.error.code === 'ERR_RATE_LIMITED') rateLimited.inc({ destination: e.destination });
  });
  return () => {
    offSuccess();
    offFailure();
  };
}
