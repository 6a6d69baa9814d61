/**
 * Where a relayed event enters the pipeline: every ingest endpoint hands its parsed events here, and
 * only here is `emit()` called. A batch is admitted whole or not at all: when the intake has no room
 * for all of it, or too many deliveries are still pending, the answer is 429 and nothing is accepted,
 * so a client that retries never creates duplicates and nothing is dropped silently. An admitted
 * batch is answered only once it is persisted (with a durable spool: committed to the spool file), so
 * every event answered 202 survives a kill -9 of the relay.
 * @module
 */
import type { OffpathEvent } from '../core/event.js';
import type { Offpath } from '../instance/create-offpath.js';
import type { ItemError } from './parse-events.js';

/** What happened to a batch. */
export type Admission =
  | {
      readonly ok: true;
      readonly accepted: number;
      /** Events the instance refused one by one (shedding under its CPU budget, or closed). */
      readonly refused: readonly ItemError[];
    }
  | {
      readonly ok: false;
      /**
       * 429: nothing was accepted. 503: accepted but the spool commit failed (a retry may duplicate),
       * or the shared queue is full (nothing was accepted).
       */
      readonly status: 429 | 503;
      readonly retryAfterSeconds: number;
      readonly reason: string;
    };

/** Events parsed by an ingest endpoint, with their index in the request. */
export type IndexedEvents = ReadonlyArray<{ readonly index: number; readonly event: OffpathEvent }>;

/** Where the ingest endpoints hand their batches: this process ({@link EventAdmission}) or a shared queue. */
export interface Ingest {
  /** A refusal for any batch right now (checked before parsing), or undefined. */
  saturated(): Extract<Admission, { ok: false }> | undefined;
  /** Accepts the whole batch or none of it; resolves once what was accepted is durable. */
  admit(events: IndexedEvents): Promise<Admission>;
}

/** Settings of {@link EventAdmission}. */
export interface AdmissionOptions {
  /** Pending deliveries above which batches are refused with 429. */
  readonly maxPending: number;
  /** Seconds a refused client is asked to wait. @default 1 */
  readonly retryAfterSeconds?: number;
}

/** Reading `stats()` costs more than a small batch: the pending count is refreshed this often. */
const PENDING_REFRESH_MS = 20;

/** Admits batches into one instance. */
export class EventAdmission implements Ingest {
  readonly #instance: Offpath;
  readonly #o: AdmissionOptions;
  #pending = 0;
  #pendingAt = Number.NEGATIVE_INFINITY;

  constructor(instance: Offpath, options: AdmissionOptions) {
    this.#instance = instance;
    this.#o = options;
  }

  /**
   * A refusal for any batch while the relay is saturated (no intake room, or the pending bound
   * reached), so a flood of requests is answered 429 without parsing their bodies; undefined otherwise.
   */
  saturated(): Extract<Admission, { ok: false }> | undefined {
    const retryAfterSeconds = this.#o.retryAfterSeconds ?? 1;
    if (this.#instance.intakeRoom() === 0) {
      return { ok: false, status: 429, retryAfterSeconds, reason: 'the intake is full' };
    }
    if (this.#pendingNow() >= this.#o.maxPending) {
      return {
        ok: false,
        status: 429,
        retryAfterSeconds,
        reason: `more than ${this.#o.maxPending} deliveries are pending (destinations are slower than ingest)`,
      };
    }
    return undefined;
  }

  /** Emits every event of the batch, or none; resolves once the admitted ones are persisted. */
  async admit(events: IndexedEvents): Promise<Admission> {
    const retryAfterSeconds = this.#o.retryAfterSeconds ?? 1;
    if (events.length > this.#instance.intakeRoom()) {
      return { ok: false, status: 429, retryAfterSeconds, reason: 'the intake is full' };
    }
    if (this.#pendingNow() + events.length > this.#o.maxPending) {
      return {
        ok: false,
        status: 429,
        retryAfterSeconds,
        reason: `more than ${this.#o.maxPending} deliveries are pending (destinations are slower than ingest)`,
      };
    }
    let accepted = 0;
    const refused: ItemError[] = [];
    for (const { index, event } of events) {
      if (this.#instance.emit(event)) accepted++;
      else
        refused.push({
          index,
          message: 'refused by the pipeline (overload or shutting down); send it again later',
        });
    }
    this.#pending += accepted;
    if (accepted > 0) {
      try {
        await this.#instance.persisted();
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          status: 503,
          retryAfterSeconds,
          reason: `the spool could not be written (${why})`,
        };
      }
    }
    return { ok: true, accepted, refused };
  }

  #pendingNow(): number {
    const now = performance.now();
    if (now - this.#pendingAt > PENDING_REFRESH_MS) {
      this.#pending = this.#instance.stats().pending;
      this.#pendingAt = now;
    }
    return this.#pending;
  }
}
