/**
 * The last requests made to each destination, for the status page: when, which attempt, how long,
 * and the outcome with offpath's own error text (which never contains a payload, URL or token).
 * Bounded: a ring of the latest entries.
 * @module
 */
import type { Offpath } from '../instance/create-offpath.js';

/** One request to a destination. */
export interface Exchange {
  readonly at: number;
  readonly destination: string;
  readonly attempt: number;
  readonly latencyMs: number;
  readonly outcome: 'success' | 'failure';
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly reason: string | undefined;
}

/** Records the latest exchanges of an instance. */
export class RecentExchanges {
  readonly #max: number;
  readonly #ring: Exchange[] = [];
  readonly #stop: Array<() => void>;

  /** @param max entries kept @default 50 */
  constructor(instance: Offpath, now: () => number, max = 50) {
    this.#max = max;
    this.#stop = [
      instance.on('request-success', (e) =>
        this.#push({
          at: now(),
          destination: e.destination,
          attempt: e.attempt,
          latencyMs: e.latencyMs,
          outcome: 'success',
          status: undefined,
          code: undefined,
          reason: undefined,
        }),
      ),
      instance.on('request-failure', (e) =>
        this.#push({
          at: now(),
          destination: e.destination,
          attempt: e.attempt,
          latencyMs: e.latencyMs,
          outcome: 'failure',
          status: e.error.statusCode,
          code: e.error.code,
          reason: e.error.message.slice(0, 200),
        }),
      ),
    ];
  }

  /** Newest first. */
  list(): Exchange[] {
    return [...this.#ring].reverse();
  }

  /** Stops recording. */
  close(): void {
    for (const stop of this.#stop) stop();
  }

  #push(exchange: Exchange): void {
    this.#ring.push(exchange);
    if (this.#ring.length > this.#max) this.#ring.shift();
  }
}
