/**
 * What the engine is built with (resolved settings: clock, bounds, stages, lanes, spool) and the
 * snapshot it reports.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { Level } from '../core/level.js';
import type { Clock } from '../resilience/clock.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';
import type { OffpathEvents, RefuseReason, ReportFailure } from './events.js';
import type { LaneSpec } from './lane-set.js';
import type { LedgerSnapshot } from './ledger.js';
import type { RouteDecision } from './router.js';
import type { SelfBudget } from './self-monitor.js';
import type { EmitJournal, SpoolPort } from './spool-port.js';

/** Resolved engine settings. */
export interface PipelineSettings {
  readonly clock: Clock;
  readonly intakeCapacity: number;
  readonly memoryBudgetBytes: number;
  /** Longest stretch of work done in one turn of the event loop. */
  readonly sliceMs: number;
  readonly normalize: (event: unknown, id: number, time: number) => { record: EventRecord; bytes: number };
  /** Destination names for a record (empty when no route matches), and whether sampling removed one. */
  readonly route: (record: EventRecord) => RouteDecision;
  readonly lanes: readonly LaneSpec[];
  readonly events: TypedEmitter<OffpathEvents>;
  readonly spool?: SpoolPort;
  /** Strict durable mode: every event is journalled before `emit()` returns. */
  readonly journal?: EmitJournal | undefined;
  /** offpath's own failures (the instance's one reporter). @default ignore */
  readonly report?: ReportFailure | undefined;
  /** When set, pipeline work above this share of a core makes `emit()` refuse low-level events. */
  readonly selfBudget?: SelfBudget | undefined;
  /** Events below this level are refused while shedding. @default 'warn' */
  readonly shedBelowLevel?: Level | undefined;
}

/** A snapshot of the ledger and of the refusals at the door. */
export interface PipelineStats extends LedgerSnapshot {
  /** Events `emit()` accepted. Totals count deliveries (event × destination), so they can be higher. */
  readonly emitted: number;
  /** Events `emit()` refused, by reason; these were never accepted. */
  readonly refused: number;
  readonly refusedBy: Readonly<Partial<Record<RefuseReason, number>>>;
  /** Accepted events not yet routed to their lanes (they are part of `pending`). */
  readonly intake: number;
  /** Bytes held in lanes (approximate). */
  readonly memoryBytes: number;
  readonly destinations: Readonly<Record<string, LedgerSnapshot>>;
}
