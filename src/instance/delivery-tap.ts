/**
 * Per-event settlement for events whose durability lives outside the instance (the relay's shared
 * stream on Redis): the embedder marks the events it follows, and is told when every destination's
 * delivery of one reached its outcome — exactly where the pipeline settles its spool port (delivered,
 * merged into a digest, dropped with a reason, dead-lettered). The stages and the spool port are
 * wrapped; the pipeline itself knows nothing of it.
 *
 * Followed records never go to the local spool nor its journals: their owner keeps them until they
 * settle, so a copy on the local disk would only come back as a duplicate (and under a new id the tap
 * could not follow). A parcel the spool would take that holds only followed records is refused, so the
 * lane keeps it in memory, or drops it as its overflow rules say (a drop is an outcome); a mixed
 * parcel goes to the spool and its followed records are released. A drop as `shutdown` is no outcome
 * either: it releases too (the owner hands the event to another process). A fallback destination's
 * copy of a dead-lettered record is not followed (the dead letter settled it): it is spooled and
 * journalled like any other.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import type { OffpathEvents } from '../pipeline/events.js';
import type { RouteDecision } from '../pipeline/router.js';
import type { EmitJournal, SpoolPort } from '../pipeline/spool-port.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';
import type { PipelineStages } from '../spool/sync-acceptor.js';

/** What an embedder that keeps its events elsewhere is told (see the module). */
export interface DeliveryTap {
  /** True for an event (as given to `emit()`) this tap follows. Called once per accepted event. */
  follows(event: unknown): boolean;
  /** Every destination's delivery of the followed event reached an outcome (none routed: at once). */
  settled(event: unknown): void;
  /** A delivery of the followed event was cut off (shutdown, spooled with others): it will not settle here. */
  released(event: unknown): void;
}

interface Followed {
  readonly event: unknown;
  readonly waiting: Set<string>;
  released: boolean;
}

/** The wrapped pieces the instance hands the pipeline. */
export interface TappedPipeline {
  readonly stages: PipelineStages;
  readonly journal: EmitJournal | undefined;
  readonly spool: SpoolPort;
}

/**
 * Wraps `stages`, the emit journal and the spool port (a no-op port when the instance has none) so
 * that `tap` hears of its events. `hasLane` tells which routed names still have a lane.
 */
export function tapPipeline(
  tap: DeliveryTap,
  parts: {
    readonly stages: PipelineStages;
    readonly journal: EmitJournal | undefined;
    readonly spool: SpoolPort | undefined;
    readonly events: TypedEmitter<OffpathEvents>;
    readonly hasLane: (name: string) => boolean;
  },
): TappedPipeline {
  const { stages, journal, events, hasLane } = parts;
  const recordEvent = new WeakMap<EventRecord, unknown>();
  const followed = new Map<number, Followed>();
  // Followed for this destination: a fallback that takes a dead-lettered copy owns that copy itself.
  const owned = (destination: string, r: EventRecord): boolean =>
    followed.get(r.id)?.waiting.has(destination) === true;

  // Outcomes are applied once the ledger's call is over: a drop as `shutdown` settles the spool port
  // first and says why right after, on the `dropped` event, in the same synchronous call.
  let settledNow: Array<readonly [string, number]> = [];
  const cutOff = new Set<string>();
  const apply = (): void => {
    const batch = settledNow;
    settledNow = [];
    for (const [destination, id] of batch) {
      const f = followed.get(id);
      if (!f?.waiting.delete(destination)) continue;
      if (cutOff.delete(`${destination}\n${id}`)) f.released = true;
      if (f.waiting.size > 0) continue;
      followed.delete(id);
      if (f.released) tap.released(f.event);
      else tap.settled(f.event);
    }
    cutOff.clear();
  };
  const settle = (destination: string, records: readonly EventRecord[]): void => {
    for (const r of records) if (followed.has(r.id)) settledNow.push([destination, r.id]);
    if (settledNow.length > 0) queueMicrotask(apply);
  };
  const release = (destination: string, records: readonly EventRecord[]): void => {
    for (const r of records) {
      const f = followed.get(r.id);
      if (f?.waiting.has(destination)) f.released = true;
    }
    settle(destination, records);
  };
  events.on('dropped', ({ destination, reason, ids }) => {
    if (reason !== 'shutdown' || destination === undefined) return;
    for (const id of ids) if (followed.has(id)) cutOff.add(`${destination}\n${id}`);
  });

  const routed = (event: unknown, id: number, decision: RouteDecision | undefined): void => {
    const waiting = new Set(decision?.destinations.filter(hasLane) ?? []);
    if (waiting.size === 0) tap.settled(event);
    else followed.set(id, { event, waiting, released: false });
  };

  const tappedStages: PipelineStages = {
    // A followed event skips the emit journal, so the intake holds the event itself.
    normalize: (event, id, time) => {
      let out: ReturnType<PipelineStages['normalize']>;
      try {
        out = stages.normalize(event, id, time);
      } catch (error) {
        // The pipeline counts it as filtered: an outcome.
        if (tap.follows(event)) tap.settled(event);
        throw error;
      }
      if (tap.follows(event)) recordEvent.set(out.record, event);
      return out;
    },
    route: (record) => {
      const event = recordEvent.get(record);
      if (event === undefined) return stages.route(record);
      recordEvent.delete(record);
      let decision: RouteDecision | undefined;
      try {
        decision = stages.route(record);
        return decision;
      } finally {
        routed(event, record.id, decision);
      }
    },
    prepare: stages.prepare,
  };

  const tappedJournal: EmitJournal | undefined = journal && {
    accept: (event, time) => {
      // The owner keeps a followed event: the emit journal would only replay it as a duplicate.
      if (tap.follows(event)) return event;
      return journal.accept(event, time);
    },
  };

  const inner = parts.spool;
  const spool: SpoolPort = {
    durable: inner?.durable ?? false,
    whenBreakerOpen: inner?.whenBreakerOpen ?? false,
    spill: (destination, records, reason) => {
      if (!inner || records.every((r) => owned(destination, r))) return false;
      if (!inner.spill(destination, records, reason)) return false;
      if (records.some((r) => owned(destination, r))) release(destination, records);
      return true;
    },
    journal: (destination, record) => {
      if (!owned(destination, record)) inner?.journal(destination, record);
    },
    settle: (destination, records) => {
      inner?.settle(destination, records);
      settle(destination, records);
    },
    deadLetter: (destination, records, reason, attempts, error) => {
      inner?.deadLetter(destination, records, reason, attempts, error);
      settle(destination, records);
    },
    backlog: (destination) => inner?.backlog(destination) ?? 0,
    take: (destination, max, nextId) => inner?.take(destination, max, nextId) ?? [],
    onLoss: (listener) => inner?.onLoss(listener),
  };
  return { stages: tappedStages, journal: tappedJournal, spool };
}
