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
  /** offpath's own failures (never thrown to the host). */
  error: { readonly error: unknown; readonly phase: string; readonly destination: string | undefined };
}
