/**
 * The counters of one proxy, owned by its route and read by `gateway.stats()`, `/metrics` and the
 * status page. Plain numbers bumped on the request path: O(1), no allocation.
 * @module
 */
import type { CircuitState } from '../resilience/resilience-events.js';

/** How an exchange ended. */
export type ExchangeOutcome =
  | 'completed'
  | 'upstream-error'
  | 'timeout'
  | 'stream-inactivity'
  | 'client-aborted'
  | 'breaker-open'
  | 'unauthorized'
  | 'too-large';

/** A snapshot of one proxy's counters. */
export interface ProxyStats {
  readonly name: string;
  readonly path: string;
  readonly target: string;
  /** Exchanges being served right now. */
  readonly inFlight: number;
  /** Exchanges received (each counted once, whatever its retries). */
  readonly requests: number;
  /** Responses sent to clients, by status class ('2xx' …), including the proxy's own 401/413/502/503/504. */
  readonly responses: Readonly<Record<string, number>>;
  /** Exchanges by how they ended. */
  readonly outcomes: Readonly<Record<ExchangeOutcome, number>>;
  /** Attempts repeated after a transient upstream failure. */
  readonly retries: number;
  /** Upstream 429 answers passed to clients. */
  readonly rateLimited: number;
  /** Bytes received from clients and sent to them (bodies). */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Exchanges handed to the instance as `http` events, and trace failures (never seen by clients). */
  readonly traced: number;
  readonly traceErrors: number;
  /** The upstream's circuit breaker. */
  readonly breaker: CircuitState;
}

const OUTCOMES: readonly ExchangeOutcome[] = [
  'completed',
  'upstream-error',
  'timeout',
  'stream-inactivity',
  'client-aborted',
  'breaker-open',
  'unauthorized',
  'too-large',
];

export class ProxyCounters {
  inFlight = 0;
  requests = 0;
  retries = 0;
  rateLimited = 0;
  bytesIn = 0;
  bytesOut = 0;
  traced = 0;
  traceErrors = 0;
  readonly #byClass = [0, 0, 0, 0, 0, 0];
  readonly #outcomes = new Map<ExchangeOutcome, number>(OUTCOMES.map((o) => [o, 0]));

  response(status: number): void {
    const cls = Math.floor(status / 100);
    if (cls >= 1 && cls <= 5) this.#byClass[cls]!++;
  }

  outcome(outcome: ExchangeOutcome): void {
    this.#outcomes.set(outcome, this.#outcomes.get(outcome)! + 1);
  }

  snapshot(identity: Pick<ProxyStats, 'name' | 'path' | 'target' | 'breaker'>): ProxyStats {
    const responses: Record<string, number> = {};
    for (let c = 1; c <= 5; c++) responses[`${c}xx`] = this.#byClass[c]!;
    return {
      ...identity,
      inFlight: this.inFlight,
      requests: this.requests,
      responses,
      outcomes: Object.fromEntries(this.#outcomes) as Record<ExchangeOutcome, number>,
      retries: this.retries,
      rateLimited: this.rateLimited,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      traced: this.traced,
      traceErrors: this.traceErrors,
    };
  }
}
