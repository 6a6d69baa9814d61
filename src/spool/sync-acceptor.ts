/**
 * Strict durable mode at the door. `accept()` runs inside `emit()`, on the caller's stack: it does
 * the work the pipeline would otherwise do a moment later (normalise, route, redact), appends the
 * redacted record to the emit journal, and hands the pipeline a {@link JournaledEvent} to queue
 * instead of the raw event. Nothing unredacted is ever written: the journal holds exactly what the
 * destinations would receive.
 *
 * The pipeline's normalise, route and prepare steps are wrapped so that, for a journalled event,
 * they return what was computed at the door rather than computing it again: each event is still
 * normalised, routed (sampled) and redacted once. `normalize` hands the pipeline the redacted record
 * (routing was decided on the original already), and the other two look it up by that object, so
 * the wrappers do not depend on the order the pipeline calls them.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { withheldRecord } from '../core/withheld-record.js';
import type { RouteDecision } from '../pipeline/router.js';
import type { EmitJournal } from '../pipeline/spool-port.js';
import type { SyncJournal } from './sync-journal.js';

/** The three steps between the intake and the lanes, as the pipeline takes them. */
export interface PipelineStages {
  readonly normalize: (event: unknown, id: number, time: number) => { record: EventRecord; bytes: number };
  readonly route: (record: EventRecord) => RouteDecision;
  /** Redaction for every destination (one shared step). */
  readonly prepare: (record: EventRecord) => EventRecord;
}

/** An event already normalised, routed, redacted and journalled, waiting in the intake. */
class JournaledEvent {
  readonly seq: number;
  /** The redacted record; the normalised one only when redaction failed (the pipeline then withholds it). */
  readonly record: EventRecord;
  readonly redacted: boolean;
  readonly bytes: number;
  readonly decision: RouteDecision;

  constructor(seq: number, record: EventRecord, redacted: boolean, bytes: number, decision: RouteDecision) {
    this.seq = seq;
    this.record = record;
    this.redacted = redacted;
    this.bytes = bytes;
    this.decision = decision;
  }
}

export class SyncAcceptor implements EmitJournal, PipelineStages {
  readonly #journal: SyncJournal;
  #base: PipelineStages;
  readonly #byRecord = new WeakMap<EventRecord, JournaledEvent>();

  constructor(journal: SyncJournal, base: PipelineStages) {
    this.#journal = journal;
    this.#base = base;
  }

  /** Routes events accepted from now on with `route` (live reload). */
  setRoute(route: PipelineStages['route']): void {
    this.#base = { ...this.#base, route };
  }

  /** Journals the event; the pipeline queues the returned item. Undefined when the write failed. */
  readonly accept = (event: unknown, time: number): unknown => {
    let normalized: { record: EventRecord; bytes: number };
    let decision: RouteDecision;
    try {
      normalized = this.#base.normalize(event, 0, time);
      decision = this.#base.route(normalized.record);
    } catch {
      // The pipeline meets the same failure and counts the event as filtered: nothing to keep.
      return event;
    }
    let prepared: EventRecord | undefined;
    try {
      prepared = this.#base.prepare(normalized.record);
    } catch {
      prepared = undefined;
    }
    const seq = this.#journal.append(
      time,
      decision.destinations,
      prepared ?? withheldRecord(normalized.record),
    );
    if (seq === undefined) return undefined;
    // Only the redacted copy is kept: it is all the lanes need, and the intake may hold many of these.
    return new JournaledEvent(
      seq,
      prepared ?? normalized.record,
      prepared !== undefined,
      normalized.bytes,
      decision,
    );
  };

  readonly normalize = (event: unknown, id: number, time: number): { record: EventRecord; bytes: number } => {
    if (!(event instanceof JournaledEvent)) return this.#base.normalize(event, id, time);
    // Routing starts now, synchronously: by the next spool flush this entry is on disk or settled.
    this.#journal.routed(event.seq);
    const record = { ...event.record, id };
    this.#byRecord.set(record, event);
    return { record, bytes: event.bytes };
  };

  readonly route = (record: EventRecord): RouteDecision =>
    this.#byRecord.get(record)?.decision ?? this.#base.route(record);

  readonly prepare = (record: EventRecord): EventRecord =>
    this.#byRecord.get(record)?.redacted ? record : this.#base.prepare(record);
}
