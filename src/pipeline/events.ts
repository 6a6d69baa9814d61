/**
 * The typed event stream of an offpath instance. Payloads are only built when someone listens.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { Level } from '../core/level.js';
import type { OffpathError } from '../resilience/errors.js';
import type { DeadLetterReason, DropReason } from './ledger.js';

/** Why `emit()` returned false (`journal_failed`: strict durable mode could not write the event). */
export type RefuseReason = 'queue_full' | 'closed' | 'overload' | 'journal_failed';

/** Circuit states, as reported on the stream. */
export type CircuitStateName = 'closed' | 'open' | 'half-open';

/** Every event an instance publishes, by name. */
export interface OffpathEvents {
  /** `emit()` refused an event (it was never accepted). */
  refused: { readonly reason: RefuseReason };
  enqueued: { readonly destination: string; readonly id: number; readonly level: Level };
  batched: { readonly destination: string; readonly records: number; readonly messages: number };
  delivered: { readonly destination: string; readonly ids: readonly number[]; readonly latencyMs: number };
  dropped: {
    readonly destination: string | undefined;
    readonly reason: DropReason;
    readonly ids: readonly number[];
  };
  'dead-lettered': {
    readonly destination: string;
    readonly reason: DeadLetterReason;
    readonly records: readonly EventRecord[];
    readonly attempts: number;
    readonly error: OffpathError | undefined;
  };
  /**
   * The spool's dead-letter bounds removed stored letters: `expired` (older than
   * `spool.deadLetters.ttlMs`) or `full` (over `spool.deadLetters.maxBytes`). Not a ledger outcome:
   * those events were already counted as dead-lettered.
   */
  'dead-letters-evicted': {
    readonly destination: string;
    readonly reason: 'expired' | 'full';
    readonly count: number;
  };
  'destination-disabled': { readonly destination: string; readonly error: OffpathError };
  'destination-enabled': { readonly destination: string };
  'request-start': { readonly destination: string; readonly attempt: number };
  'request-success': { readonly destination: string; readonly attempt: number; readonly latencyMs: number };
  'request-failure': {
    readonly destination: string;
    readonly attempt: number;
    readonly latencyMs: number;
    readonly error: OffpathError;
  };
  retry: {
    readonly destination: string;
    readonly attempt: number;
    readonly delayMs: number;
    readonly error: OffpathError;
  };
  'rate-limited': {
    /** The destination, or for a gateway upstream's 429 the proxy's name (then `proxy` is set too). */
    readonly destination: string;
    readonly waitMs: number;
    readonly source: 'proactive' | 'retry-after';
    /** Set when a gateway proxy's upstream answered 429 (passed to its client unchanged). */
    readonly proxy?: string;
    readonly requestId?: string;
  };
  /** A gateway proxy ended a streamed response whose upstream sent nothing for its inactivity timeout. */
  'stream-inactivity': { readonly requestId: string; readonly proxy: string; readonly inactiveForMs: number };
  'circuit-state': {
    readonly destination: string;
    readonly from: CircuitStateName;
    readonly to: CircuitStateName;
    readonly at: number;
  };
  /** offpath started or stopped shedding low-level events to stay within its overhead budget. */
  'self-budget': { readonly shedding: boolean; readonly workMsPerSecond: number };
  /**
   * Coordination with other processes changed state, once per change: `shared` (Redis answers),
   * `fallback` (Redis configured but away: local limits divided by `replicas`), `local` (no Redis).
   */
  'coordination-state': {
    readonly from: 'shared' | 'fallback' | 'local';
    readonly to: 'shared' | 'fallback' | 'local';
    readonly reason?: string;
  };
  /** A destination's health state changed. */
  'health-change': { readonly destination: string; readonly from: string; readonly to: string };
  /**
   * One of offpath's own failures, which it cannot hand back as a value (never thrown to the host).
   * `onError` sees the same failures. See docs/RESILIENCE.md for the phases.
   */
  error: FailureReport;
}

/**
 * Where an internal failure happened. Stable strings (a dashboard may count by them):
 * - `listener`: a listener of the event stream threw or rejected;
 * - `attach`: a source's `attach` threw (the source then does nothing);
 * - `source`: an attached source failed while capturing;
 * - `spool`: the spool could not be opened, written or read (the instance runs without it if it
 *   could not be opened);
 * - `exit`: committing the spool's write-behind when the process exits failed;
 * - `flush`: `flush()` or `close()` failed before its deadline;
 * - `reconfigure`: retired lanes failed while draining after `reconfigure()`;
 * - `sink`: a sink's `send` or `ping` threw, or returned something that is not a `SendResult`
 *   (the delivery is then retried as any failure);
 * - `close`: a sink's `close()` threw or rejected;
 * - `route`, `prepare`, `pump`, `send`, `settle`, `ping`: a fault inside the pipeline itself.
 */
export type FailurePhase =
  | 'listener'
  | 'attach'
  | 'source'
  | 'spool'
  | 'exit'
  | 'flush'
  | 'reconfigure'
  | 'sink'
  | 'close'
  | 'route'
  | 'prepare'
  | 'pump'
  | 'send'
  | 'settle'
  | 'ping'
  | 'coordination';

/** Where a failure happened: its phase, and the destination when it concerns one. */
export interface FailureContext {
  readonly phase: FailurePhase;
  readonly destination?: string | undefined;
}

/** The payload of the `error` event. */
export interface FailureReport extends FailureContext {
  readonly error: unknown;
}

/** Hands an internal failure to whoever watches (`onError`, the `error` event); never throws. */
export type ReportFailure = (error: unknown, context: FailureContext) => void;
