/**
 * A collector that turns the shared event stream ({@link ResilienceEvents}) into statistics.
 * @module
 */
import { type LatencySummary, LatencyWindow } from './latency-window.js';
import type { CircuitState, ResilienceEventSource, ResilienceEvents } from './resilience-events.js';

/** Options of {@link MetricsCollector}. */
export interface MetricsCollectorOptions {
  /** Latencies kept for percentiles (the most recent ones). @default 1024 */
  readonly latencyWindowSize?: number;
  /** Count only events carrying this `destination`. @default undefined (count every event) */
  readonly destination?: string;
}

/** Aggregated statistics from a {@link MetricsCollector}, as plain JSON. */
export interface MetricsSnapshot {
  /** Attempts started. */
  readonly requests: number;
  /** Attempts that succeeded. */
  readonly successes: number;
  /** Attempts that failed. */
  readonly failures: number;
  /** Retries scheduled. */
  readonly retries: number;
  /** Waits imposed by our pacing or by the remote side, in all. */
  readonly rateLimited: number;
  /** The same, by source, and the total time asked for. */
  readonly rateLimitedBySource: { readonly proactive: number; readonly retryAfter: number };
  readonly rateLimitedWaitMs: number;
  /** Circuit state changes, how many of them opened a circuit, and the last state seen. */
  readonly circuitChanges: number;
  readonly circuitOpened: number;
  readonly circuitState: CircuitState | null;
  /** successes / (successes + failures), or 1 while nothing has finished (nothing has failed yet). */
  readonly successRate: number;
  /** Latency of the most recent finished attempts, successful or not (see {@link LatencyWindow}). */
  readonly latency: LatencySummary;
  /** Failures by error `code` (or `name`); at most 64 keys, the rest counted under `other`. */
  readonly failuresByCode: Readonly<Record<string, number>>;
}

type Handlers = { readonly [K in keyof ResilienceEvents]: (payload: ResilienceEvents[K]) => void };

const MAX_CODES = 64;

/**
 * Aggregates a resilience event stream: totals, success rate and latency percentiles, in bounded memory
 * (counters, at most 64 error codes, and one {@link LatencyWindow}). Subscribe it to an emitter with
 * {@link attach} (a primitives' emitter or an offpath instance), or feed it with {@link record} /
 * {@link recordSuccess} / {@link recordFailure}.
 * @example
 * const events = new TypedEmitter<ResilienceEvents>();
 * const metrics = new MetricsCollector().attach(events);
 * await new RetryPolicy({ events, destination: 'api' }).execute(call);
 * metrics.snapshot().latency.p99;
 * @example
 * const metrics = new MetricsCollector().attach(createOffpath(config)); // the instance's deliveries
 * metrics.snapshot().successRate;
 */
export class MetricsCollector {
  readonly #destination: string | undefined;
  readonly #latency: LatencyWindow;
  readonly #detach: Array<() => void> = [];
  #requests = 0;
  #successes = 0;
  #failures = 0;
  #retries = 0;
  #proactive = 0;
  #retryAfter = 0;
  #waitMs = 0;
  #changes = 0;
  #opened = 0;
  #state: CircuitState | null = null;
  #byCode = new Map<string, number>();

  readonly #handlers: Handlers = {
    'request-start': () => {
      this.#requests++;
    },
    'request-success': (p) => this.recordSuccess(p.latencyMs),
    'request-failure': (p) => this.recordFailure(p.latencyMs, p.error),
    retry: () => {
      this.#retries++;
    },
    'rate-limited': (p) => {
      if (p.source === 'proactive') this.#proactive++;
      else this.#retryAfter++;
      if (Number.isFinite(p.waitMs) && p.waitMs > 0) this.#waitMs += p.waitMs;
    },
    'circuit-state': (p) => {
      this.#changes++;
      if (p.to === 'open') this.#opened++;
      this.#state = p.to;
    },
  };

  /** @param options options, or the latency window size alone */
  constructor(options: MetricsCollectorOptions | number = {}) {
    const o = typeof options === 'number' ? { latencyWindowSize: options } : options;
    this.#destination = o.destination;
    this.#latency = new LatencyWindow(o.latencyWindowSize ?? 1024);
  }

  /**
   * Subscribes to the shared events of `events` (until {@link detach}): a `TypedEmitter` given to the
   * primitives, or an offpath instance. Returns this collector.
   */
  attach(events: ResilienceEventSource): this {
    for (const type of Object.keys(this.#handlers) as Array<keyof ResilienceEvents>) {
      this.#detach.push(events.on(type, (payload) => this.record(type, payload)));
    }
    return this;
  }

  /** Unsubscribes from every emitter this collector was attached to. */
  detach(): void {
    for (const off of this.#detach.splice(0)) off();
  }

  /** Counts one event (ignored when it names another destination than the one in the options). */
  record<K extends keyof ResilienceEvents>(type: K, payload: ResilienceEvents[K]): void {
    if (this.#destination !== undefined && payload.destination !== this.#destination) return;
    (this.#handlers[type] as (p: ResilienceEvents[K]) => void)(payload);
  }

  /** Counts a successful attempt directly. */
  recordSuccess(latencyMs: number): void {
    this.#successes++;
    this.#latency.record(latencyMs);
  }

  /** Counts a failed attempt directly, by its error's `code` (or `name`). */
  recordFailure(latencyMs: number, error: unknown): void {
    this.#failures++;
    this.#latency.record(latencyMs);
    const code = errorLabel(error);
    const key = this.#byCode.has(code) || this.#byCode.size < MAX_CODES ? code : 'other';
    this.#byCode.set(key, (this.#byCode.get(key) ?? 0) + 1);
  }

  /** The statistics so far. Cost: O(n log n) in the latency window size. */
  snapshot(): MetricsSnapshot {
    const finished = this.#successes + this.#failures;
    return {
      requests: this.#requests,
      successes: this.#successes,
      failures: this.#failures,
      retries: this.#retries,
      rateLimited: this.#proactive + this.#retryAfter,
      rateLimitedBySource: { proactive: this.#proactive, retryAfter: this.#retryAfter },
      rateLimitedWaitMs: this.#waitMs,
      circuitChanges: this.#changes,
      circuitOpened: this.#opened,
      circuitState: this.#state,
      successRate: finished === 0 ? 1 : this.#successes / finished,
      latency: this.#latency.summary(),
      failuresByCode: Object.fromEntries(this.#byCode),
    };
  }

  /** Zeroes every counter and forgets every latency and the last circuit state. */
  reset(): void {
    this.#requests = this.#successes = this.#failures = this.#retries = 0;
    this.#proactive = this.#retryAfter = this.#waitMs = this.#changes = this.#opened = 0;
    this.#state = null;
    this.#byCode = new Map();
    this.#latency.clear();
  }
}

function errorLabel(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : 'unknown';
}
