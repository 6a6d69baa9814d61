/**
 * The event vocabulary shared by the resilience primitives, an offpath instance and the services built
 * on it: one name, one payload shape, wherever it is emitted.
 * @module
 */

/** The three states of a circuit breaker. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Events about calls to a destination, by name. The primitives publish them into a
 * `TypedEmitter<ResilienceEvents>` given as their `events` option; an instance publishes the same
 * names with the same fields (its `OffpathEvents`), so one listener or one {@link MetricsCollector}
 * serves both.
 *
 * - `destination`: the destination's name (the `destination` option of a primitive; always set by an
 *   instance, where a gateway proxy's events carry the proxy's name).
 * - `requestId`: the request the event belongs to, where there is one: a gateway exchange, or the
 *   `requestId` given to `RetryPolicy.execute`. An instance's deliveries send batches, not requests,
 *   and carry none.
 * - `attempt` counts from 1 (the first attempt).
 */
export type ResilienceEvents = {
  /** An attempt is about to run. */
  'request-start': {
    readonly destination?: string;
    readonly requestId?: string;
    readonly attempt: number;
  };
  /** An attempt succeeded after `latencyMs`. */
  'request-success': {
    readonly destination?: string;
    readonly requestId?: string;
    readonly attempt: number;
    readonly latencyMs: number;
  };
  /** An attempt failed after `latencyMs`. */
  'request-failure': {
    readonly destination?: string;
    readonly requestId?: string;
    readonly attempt: number;
    readonly latencyMs: number;
    readonly error: unknown;
  };
  /** Attempt `attempt` failed with `error` and the next one runs after `delayMs`. */
  retry: {
    readonly destination?: string;
    readonly requestId?: string;
    readonly attempt: number;
    readonly delayMs: number;
    readonly error: unknown;
  };
  /** A call has to wait `waitMs`: by our own pacing (`proactive`) or because the remote side said so. */
  'rate-limited': {
    readonly destination?: string;
    readonly requestId?: string;
    readonly waitMs: number;
    readonly source: 'proactive' | 'retry-after';
    /** Set when a gateway proxy's upstream answered 429 (`destination` is then the proxy's name too). */
    readonly proxy?: string;
  };
  /** A circuit breaker changed state at `at` (epoch ms). A destination's state: no `requestId`. */
  'circuit-state': {
    readonly destination?: string;
    readonly from: CircuitState;
    readonly to: CircuitState;
    readonly at: number;
  };
};

/**
 * Anything with a typed `on` for the shared events: a `TypedEmitter<ResilienceEvents>`, or an
 * offpath instance (whose payloads for these names are the same shapes, with `destination` always set).
 */
export interface ResilienceEventSource {
  on<K extends keyof ResilienceEvents>(type: K, listener: (payload: ResilienceEvents[K]) => void): () => void;
}
