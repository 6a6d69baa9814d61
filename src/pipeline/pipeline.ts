/**
 * The engine: `emit()` puts events in the intake; slices of work off the caller's stack normalise,
 * redact and route them into per-destination lanes; lanes deliver. Owns the global memory budget,
 * the ledger totals and the shutdown deadline.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { isLevel, type Level, levelRank } from '../core/level.js';
import type { Clock, TimerHandle } from '../resilience/clock.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';
import type { OffpathEvents, RefuseReason } from './events.js';
import { Intake } from './intake.js';
import { Lane, type LaneSettings } from './lane.js';
import type { LaneObserver } from './lane-observer.js';
import { type DropReason, Ledger, type LedgerSnapshot, sumLedgers } from './ledger.js';
import type { RouteDecision } from './router.js';
import { type SelfBudget, SelfMonitor, type SelfStats } from './self-monitor.js';
import type { SpoolLoss, SpoolPort } from './spool-port.js';

/** How often records waiting in the spool are fed back to lanes with room. */
const FEED_INTERVAL_MS = 200;

/** How one destination's records are prepared and where its failures go. */
export interface LaneSpec extends Omit<LaneSettings, 'observer' | 'clock'> {
  /** Redaction (or any last transformation) for this destination. */
  readonly prepare: (record: EventRecord) => EventRecord;
  /** Destination that receives what this one dead-letters. */
  readonly fallback?: string;
}

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
  readonly onError?: (error: unknown, context: { destination?: string; phase: string }) => void;
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

type Phase = 'running' | 'closing' | 'closed';

export class Pipeline {
  readonly #s: PipelineSettings;
  readonly #intake: Intake;
  readonly #lanes = new Map<string, Lane>();
  readonly #specs = new Map<string, LaneSpec>();
  /** Lanes taken out by a reload: they drain, then keep their ledger so the totals still add up. */
  readonly #retired: Lane[] = [];
  #route: PipelineSettings['route'];
  /** Deliveries that never reached a lane (no route, or failed before routing). */
  readonly #unrouted = new Ledger();
  readonly #refusedBy: Partial<Record<RefuseReason, number>> = {};
  readonly #self: SelfMonitor;
  #inSlice = false;
  #refused = 0;
  #emitted = 0;
  #seq = 0;
  #bytes = 0;
  #phase: Phase = 'running';
  #scheduled = false;
  #closing: Promise<void> | undefined;
  #feedTimer: TimerHandle | undefined;
  readonly #observerOnce: LaneObserver;

  constructor(settings: PipelineSettings) {
    this.#s = settings;
    this.#intake = new Intake(settings.intakeCapacity);
    // The change is announced on a microtask: it may be noticed deep inside a lane callback.
    this.#self = new SelfMonitor(
      settings.selfBudget,
      () => settings.clock.now(),
      () => queueMicrotask(() => this.#announceShedding()),
    );
    this.#route = settings.route;
    this.#observerOnce = this.#observer();
    for (const spec of settings.lanes) this.addLane(spec);
    if (settings.spool) {
      settings.spool.onLoss((loss) => this.#countSpoolLoss(loss));
      this.#scheduleFeed(0);
    }
  }

  /** Synchronous, O(1), never throws, never does I/O. */
  emit(event: unknown): boolean {
    try {
      const sampled = this.#self.shouldSample();
      const started = sampled ? performance.now() : 0;
      if (this.#phase !== 'running') return this.#refuse('closed');
      if (this.#self.shedding && this.#belowShedLevel(event)) return this.#refuse('overload');
      if (!this.#intake.push(event, this.#s.clock.now())) return this.#refuse('queue_full');
      this.#emitted++;
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#process).unref();
      }
      if (sampled) {
        const ended = performance.now();
        // The gap to one more read is the clock's own cost inside the span, subtracted in the report.
        this.#self.recordEmit((ended - started) * 1000, (performance.now() - ended) * 1000);
      }
      return true;
    } catch {
      return false;
    }
  }

  /** Events `emit()` accepted so far. */
  get emittedCount(): number {
    return this.#emitted;
  }

  /** Events `emit()` would accept right now before the intake is full. */
  get intakeRoom(): number {
    return this.#intake.capacity - this.#intake.size;
  }

  /** offpath's own cost (see {@link SelfMonitor}). */
  selfStats(): SelfStats {
    return this.#self.snapshot();
  }

  #belowShedLevel(event: unknown): boolean {
    let level: unknown;
    try {
      level = (event as { level?: unknown } | null)?.level;
    } catch {
      return true;
    }
    return levelRank(isLevel(level) ? level : 'info') < levelRank(this.#s.shedBelowLevel ?? 'warn');
  }

  /** Adds a destination's lane at runtime (live reload). @throws TypeError when the name is taken. */
  addLane(spec: LaneSpec): void {
    if (this.#lanes.has(spec.name)) throw new TypeError(`a lane named "${spec.name}" already exists`);
    this.#specs.set(spec.name, spec);
    this.#lanes.set(
      spec.name,
      new Lane({ ...spec, clock: this.#s.clock, observer: this.#observerOnce, nextId: () => ++this.#seq }),
    );
  }

  /**
   * Takes a lane out of routing at once (a lane of the same name may be added right after), delivers
   * what it holds until `signal` aborts, then closes it: the rest goes to the spool (or is counted as
   * dropped:shutdown). Its ledger stays in the totals.
   */
  async retireLane(name: string, signal: AbortSignal): Promise<void> {
    const lane = this.#lanes.get(name);
    if (!lane) return;
    this.#lanes.delete(name);
    this.#specs.delete(name);
    this.#retired.push(lane);
    try {
      await lane.flush(signal, true);
    } finally {
      await lane.close();
    }
  }

  /** Replaces the routing function (live reload). */
  setRoute(route: PipelineSettings['route']): void {
    this.#route = route;
  }

  lane(name: string): Lane | undefined {
    return this.#lanes.get(name);
  }

  get laneNames(): readonly string[] {
    return [...this.#lanes.keys()];
  }

  stats(): PipelineStats {
    const destinations: Record<string, LedgerSnapshot> = {};
    for (const [name, lane] of this.#lanes) destinations[name] = lane.snapshot();
    const gone: LedgerSnapshot[] = [];
    for (const lane of this.#retired) {
      const current = destinations[lane.name];
      if (current) destinations[lane.name] = sumLedgers([current, lane.snapshot()]);
      else gone.push(lane.snapshot());
    }
    const intake = this.#unrouted.snapshot(this.#intake.size);
    const totals = sumLedgers([
      { ...intake, accepted: intake.accepted + this.#intake.size },
      ...Object.values(destinations),
      ...gone,
    ]);
    return {
      ...totals,
      emitted: this.#emitted,
      refused: this.#refused,
      refusedBy: { ...this.#refusedBy },
      intake: this.#intake.size,
      memoryBytes: this.#bytes,
      destinations,
    };
  }

  /**
   * Delivers everything accepted so far, or stops waiting when `signal` aborts. With `final`, open
   * digest windows close at once so their digests go out too.
   */
  async flush(signal: AbortSignal, final = false): Promise<void> {
    while (this.#intake.size > 0 && !signal.aborted) {
      this.#processSlice();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.all([...this.#lanes.values()].map((lane) => lane.flush(signal, final)));
    // Records waiting in the spool were accepted too: feed them and wait again until none can move.
    while (!signal.aborted && this.#feed() > 0) {
      await Promise.all([...this.#lanes.values()].map((lane) => lane.flush(signal, final)));
    }
  }

  /** Flushes until `signal` aborts, then closes every lane. Idempotent. */
  close(signal: AbortSignal): Promise<void> {
    this.#closing ??= (async () => {
      this.#phase = 'closing';
      if (this.#feedTimer !== undefined) this.#s.clock.clearTimeout(this.#feedTimer);
      try {
        await this.flush(signal, true);
      } finally {
        this.#phase = 'closed';
        // Whatever the deadline left in the intake was accepted: it is spooled or counted as shutdown.
        while (this.#intake.size > 0) this.#routeOne(this.#intake.peekTime(), this.#intake.shift(), true);
        await Promise.all([...this.#lanes.values()].map((lane) => lane.close()));
      }
    })();
    return this.#closing;
  }

  #refuse(reason: RefuseReason): false {
    this.#refused++;
    this.#refusedBy[reason] = (this.#refusedBy[reason] ?? 0) + 1;
    if (this.#s.events.hasListeners('refused')) this.#s.events.emit('refused', { reason });
    return false;
  }

  readonly #process = (): void => {
    this.#scheduled = false;
    this.#processSlice();
    if (this.#intake.size > 0 && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#process).unref();
    }
  };

  #processSlice(): void {
    const started = performance.now();
    const deadline = started + this.#s.sliceMs;
    let n = 0;
    this.#inSlice = true;
    try {
      while (this.#intake.size > 0) {
        this.#routeOne(this.#intake.peekTime(), this.#intake.shift(), false);
        // Reading the clock costs more than routing a small event; check it every 16 events.
        if ((++n & 15) === 0 && performance.now() >= deadline) break;
      }
    } finally {
      this.#inSlice = false;
    }
    this.#self.recordIn(n);
    this.#self.recordWork(performance.now() - started);
  }

  /** Tells listeners, and the destinations themselves, that offpath is shedding to stay in budget. */
  #announceShedding(): void {
    const self = this.#self.snapshot();
    if (this.#s.events.hasListeners('self-budget')) {
      this.#s.events.emit('self-budget', { shedding: self.shedding, workMsPerSecond: self.workMsPerSecond });
    }
    if (self.shedding) {
      this.emit({
        level: 'warn',
        kind: 'alert',
        title: 'offpath is over its overhead budget',
        message: `Pipeline work reached ${self.workMsPerSecond} ms per second; events below ${this.#s.shedBelowLevel ?? 'warn'} are refused (counted as overload) until it is back under budget.`,
        fields: { workMsPerSecond: self.workMsPerSecond, eventsInPerSecond: self.eventsInPerSecond },
        fingerprint: 'offpath-self-budget',
      });
    }
  }

  #routeOne(time: number, event: unknown, closing: boolean): void {
    const id = ++this.#seq;
    let record: EventRecord;
    let bytes: number;
    let targets: readonly string[];
    let sampledOut: boolean;
    try {
      ({ record, bytes } = this.#s.normalize(event, id, time));
      ({ destinations: targets, sampledOut } = this.#route(record));
    } catch (error) {
      this.#unrouted.accepted++;
      this.#unrouted.drop('filtered');
      this.#report(error, { phase: 'route' });
      return;
    }
    if (targets.length === 0) {
      const reason = sampledOut ? 'sampled' : 'filtered';
      this.#unrouted.accepted++;
      this.#unrouted.drop(reason);
      if (this.#s.events.hasListeners('dropped'))
        this.#s.events.emit('dropped', { destination: undefined, reason, ids: [id] });
      return;
    }
    const prepared = new Map<(r: EventRecord) => EventRecord, EventRecord>();
    for (const name of targets) {
      const lane = this.#lanes.get(name);
      const spec = this.#specs.get(name);
      if (!lane || !spec) continue;
      let copy = prepared.get(spec.prepare);
      if (!copy) {
        copy = this.#safePrepare(spec, record);
        prepared.set(spec.prepare, copy);
      }
      const spillAs = closing ? 'shutdown' : this.#spillReason(spec);
      if (spillAs) {
        lane.ledger.accepted++;
        if (this.#s.spool?.spill(name, [copy], spillAs)) {
          lane.ledger.spooled++;
          continue;
        }
        if (closing) {
          lane.ledger.drop('shutdown');
          continue;
        }
        lane.ledger.accepted--;
      }
      lane.enqueue(copy, bytes);
    }
    this.#enforceBudget();
  }

  /**
   * Whether a record should go to the spool rather than to its lane: while older records of the
   * destination wait there (to keep the order), or while its circuit is open when so configured.
   */
  #spillReason(spec: LaneSpec): 'overflow' | 'breaker-open' | undefined {
    const spool = this.#s.spool;
    if (!spool) return undefined;
    if (spool.backlog(spec.name) > 0) return 'overflow';
    if (spool.whenBreakerOpen && spec.breaker.state === 'open') return 'breaker-open';
    return undefined;
  }

  /** Feeds lanes with room from the spool, oldest first; returns how many records moved. */
  #feed(): number {
    const spool = this.#s.spool;
    if (!spool || this.#phase === 'closed') return 0;
    let moved = 0;
    for (const [name, lane] of this.#lanes) {
      const spec = this.#specs.get(name)!;
      if (spool.backlog(name) === 0 || lane.state !== 'active' || spec.breaker.state === 'open') continue;
      // Fill to half the queue so live traffic and retries keep headroom.
      const room = Math.floor(spec.maxQueueItems / 2) - lane.queueDepth;
      if (room <= 0) continue;
      try {
        for (const taken of spool.take(name, room, () => ++this.#seq)) {
          lane.enqueue(taken.record, taken.bytes, taken.spilledHere);
          moved++;
        }
      } catch (error) {
        this.#report(error, { destination: name, phase: 'spool' });
      }
    }
    this.#enforceBudget();
    return moved;
  }

  #scheduleFeed(ms: number): void {
    this.#feedTimer = this.#s.clock.setTimeout(() => {
      this.#feed();
      if (this.#phase === 'running') this.#scheduleFeed(FEED_INTERVAL_MS);
    }, ms);
  }

  /** The spool lost records on its own: they leave `spooled` (or arrive from an earlier run) as drops. */
  #countSpoolLoss(loss: SpoolLoss): void {
    const lane = this.#lanes.get(loss.destination);
    const ledger = lane?.ledger ?? this.#unrouted;
    ledger.spooled -= loss.spilledHere;
    ledger.accepted += loss.fromEarlierRuns;
    ledger.drop(loss.reason, loss.spilledHere + loss.fromEarlierRuns);
  }

  #safePrepare(spec: LaneSpec, record: EventRecord): EventRecord {
    try {
      return spec.prepare(record);
    } catch (error) {
      this.#report(error, { destination: spec.name, phase: 'prepare' });
      // Never let an unprepared (possibly unredacted) record through: keep only what is always safe.
      return {
        id: record.id,
        level: record.level,
        kind: record.kind,
        time: record.time,
        fields: {},
        tags: [],
        truncated: true,
        message: '[record withheld: preparation failed]',
      };
    }
  }

  #enforceBudget(): void {
    while (this.#bytes > this.#s.memoryBudgetBytes) {
      let victim: Lane | undefined;
      let lowest = Number.POSITIVE_INFINITY;
      for (const lane of this.#lanes.values()) {
        const rank = lane.lowestRank();
        if (rank >= 0 && rank < lowest) {
          lowest = rank;
          victim = lane;
        }
      }
      if (!victim?.shedLowest()) return;
    }
  }

  #report(error: unknown, context: { destination?: string; phase: string }): void {
    try {
      this.#s.onError?.(error, context);
    } catch {
      // A failing error hook has nowhere left to report to.
    }
    if (this.#s.events.hasListeners('error')) {
      this.#s.events.emit('error', { error, phase: context.phase, destination: context.destination });
    }
  }

  #observer(): LaneObserver {
    const events = this.#s.events;
    const ids = (records: readonly EventRecord[]): number[] => records.map((r) => r.id);
    return {
      enqueued: (destination, record) => {
        if (this.#s.spool?.durable) this.#s.spool.journal(destination, record);
        if (events.hasListeners('enqueued'))
          events.emit('enqueued', { destination, id: record.id, level: record.level });
      },
      batched: (destination, records, messages) => {
        if (events.hasListeners('batched')) events.emit('batched', { destination, records, messages });
      },
      worked: (ms) => {
        if (!this.#inSlice) this.#self.recordWork(ms);
      },
      merged: (destination, record) => this.#s.spool?.settle(destination, [record]),
      delivered: (destination, records, latencyMs) => {
        this.#s.spool?.settle(destination, records);
        this.#self.recordOut(records.length);
        if (events.hasListeners('delivered'))
          events.emit('delivered', { destination, ids: ids(records), latencyMs });
      },
      dropped: (destination, records, reason: DropReason) => {
        this.#s.spool?.settle(destination, records);
        if (events.hasListeners('dropped'))
          events.emit('dropped', { destination, reason, ids: ids(records) });
      },
      deadLettered: (destination, records, reason, attempts, error) => {
        this.#s.spool?.deadLetter(destination, records, reason, attempts, error);
        if (events.hasListeners('dead-lettered')) {
          events.emit('dead-lettered', { destination, reason, records, attempts, error });
        }
        const fallback = this.#specs.get(destination)?.fallback;
        const target = fallback === undefined ? undefined : this.#lanes.get(fallback);
        if (target) for (const r of records) target.enqueue(r, 0);
      },
      spill: (destination, records, reason) => this.#s.spool?.spill(destination, records, reason) ?? false,
      disabled: (destination, error) => {
        if (events.hasListeners('destination-disabled'))
          events.emit('destination-disabled', { destination, error });
      },
      requestStart: (destination, attempt) => {
        if (events.hasListeners('request-start')) events.emit('request-start', { destination, attempt });
      },
      requestSuccess: (destination, attempt, latencyMs) => {
        if (events.hasListeners('request-success'))
          events.emit('request-success', { destination, attempt, latencyMs });
      },
      requestFailure: (destination, attempt, latencyMs, error) => {
        if (events.hasListeners('request-failure')) {
          events.emit('request-failure', { destination, attempt, latencyMs, error });
        }
      },
      retry: (destination, attempt, delayMs, error) => {
        if (events.hasListeners('retry')) events.emit('retry', { destination, attempt, delayMs, error });
      },
      rateLimited: (destination, waitMs, source) => {
        if (events.hasListeners('rate-limited')) events.emit('rate-limited', { destination, waitMs, source });
      },
      bytesChanged: (delta) => {
        this.#bytes += delta;
      },
      error: (error, context) => this.#report(error, context),
    };
  }
}
