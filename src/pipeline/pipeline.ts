/**
 * The engine: `emit()` puts events in the intake; slices of work off the caller's stack normalise,
 * redact and route them into per-destination lanes; lanes deliver. Owns the global memory budget,
 * the ledger totals and the shutdown deadline.
 * @module
 */
import type { EventRecord } from '../core/event.js';
import { isLevel, type Level, levelRank } from '../core/level.js';
import { withheldRecord } from '../core/withheld-record.js';
import type { Clock, TimerHandle } from '../resilience/clock.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';
import type { FailureContext, OffpathEvents, RefuseReason, ReportFailure } from './events.js';
import { type FallbackSpec, Fallbacks, type Handover } from './fallbacks.js';
import { Intake } from './intake.js';
import { Lane } from './lane.js';
import type { LaneContext, LaneSettings } from './lane-settings.js';
import { type LedgerSnapshot, sumLedgers, Tally } from './ledger.js';
import type { RouteDecision } from './router.js';
import { type SelfBudget, SelfMonitor, type SelfStats } from './self-monitor.js';
import type { EmitJournal, SpoolLoss, SpoolPort } from './spool-port.js';

/** How often records waiting in the spool are fed back to lanes with room. */
const FEED_INTERVAL_MS = 200;

/** How one destination's records are prepared and where what it cannot deliver goes. */
export interface LaneSpec extends LaneSettings, FallbackSpec {
  /** Redaction (or any last transformation) for this destination. */
  readonly prepare: (record: EventRecord) => EventRecord;
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
  readonly #unrouted = new Tally();
  readonly #refusedBy: Partial<Record<RefuseReason, number>> = {};
  readonly #self: SelfMonitor;
  /** Rebuilt when lanes come and go, so a chain always names lanes that exist. */
  #fallbacks: Fallbacks;
  readonly #context: LaneContext;
  #inSlice = false;
  #refused = 0;
  #emitted = 0;
  #seq = 0;
  #phase: Phase = 'running';
  #scheduled = false;
  #closing: Promise<void> | undefined;
  #feedTimer: TimerHandle | undefined;

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
    this.#context = this.#laneContext();
    this.#fallbacks = new Fallbacks(settings.lanes);
    for (const spec of settings.lanes) this.#install(spec);
    if (settings.spool) {
      settings.spool.onLoss((loss) => this.#countSpoolLoss(loss));
      this.#scheduleFeed(0);
    }
  }

  /**
   * Synchronous, never throws. O(1) and without I/O, except in strict durable mode, where the event
   * is normalised, redacted and written to the journal before this returns.
   */
  emit(event: unknown): boolean {
    try {
      const sampled = this.#self.shouldSample();
      const started = sampled ? performance.now() : 0;
      if (this.#phase !== 'running') return this.#refuse('closed');
      if (this.#self.shedding && this.#belowShedLevel(event)) return this.#refuse('overload');
      const now = this.#s.clock.now();
      let item = event;
      if (this.#s.journal) {
        // Checked first, so that a journalled event is always one the intake takes.
        if (this.#intake.size === this.#intake.capacity) return this.#refuse('queue_full');
        item = this.#s.journal.accept(event, now);
        if (item === undefined) return this.#refuse('journal_failed');
      }
      if (!this.#intake.push(item, now)) return this.#refuse('queue_full');
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
    this.#fallbacks = new Fallbacks([...this.#specs.values(), spec]);
    this.#install(spec);
  }

  #install(spec: LaneSpec): void {
    this.#specs.set(spec.name, spec);
    const handOffWhenOpen = this.#fallbacks.whenOpen(spec.name);
    this.#lanes.set(spec.name, new Lane({ ...spec, handOffWhenOpen }, this.#context));
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
    this.#fallbacks = new Fallbacks([...this.#specs.values()]);
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
    for (const [name, lane] of this.#lanes) destinations[name] = lane.ledger.snapshot();
    const gone: LedgerSnapshot[] = [];
    for (const lane of this.#retired) {
      const current = destinations[lane.name];
      if (current) destinations[lane.name] = sumLedgers([current, lane.ledger.snapshot()]);
      else gone.push(lane.ledger.snapshot());
    }
    const intake = this.#unrouted.snapshot(this.#intake.size, 0);
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
      memoryBytes: this.#memoryBytes(),
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
    const lanes = [...this.#lanes.values()];
    // A lane can hand records to a fallback whose own flush had already ended, and records waiting in
    // the spool were accepted too: wait again until nothing is held in memory and none can move.
    do await Promise.all(lanes.map((lane) => lane.flush(signal, final)));
    while (!signal.aborted && (lanes.some((lane) => lane.busy) || this.#feed() > 0));
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
      this.#unrouted.accept(1);
      this.#unrouted.drop('filtered', 1);
      this.#report(error, { phase: 'route' });
      return;
    }
    if (targets.length === 0) {
      const reason = sampledOut ? 'sampled' : 'filtered';
      this.#unrouted.accept(1);
      this.#unrouted.drop(reason, 1);
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
      lane.accept(copy, bytes, closing);
    }
    this.#enforceBudget();
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
          lane.takeBack(taken);
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
    const lane =
      this.#lanes.get(loss.destination) ?? this.#retired.findLast((l) => l.name === loss.destination);
    if (lane) {
      lane.ledger.lostInSpool(loss);
      return;
    }
    // A destination this run does not have: only earlier runs' records can be lost for it.
    this.#unrouted.accept(loss.fromEarlierRuns);
    this.#unrouted.drop(loss.reason, loss.fromEarlierRuns);
  }

  #safePrepare(spec: LaneSpec, record: EventRecord): EventRecord {
    try {
      return spec.prepare(record);
    } catch (error) {
      this.#report(error, { destination: spec.name, phase: 'prepare' });
      return withheldRecord(record);
    }
  }

  /** Memory held by every lane: the sum of their ledgers, the one count of it. */
  #memoryBytes(): number {
    let bytes = 0;
    for (const lane of this.#lanes.values()) bytes += lane.ledger.bytes;
    for (const lane of this.#retired) bytes += lane.ledger.bytes;
    return bytes;
  }

  #enforceBudget(): void {
    while (this.#memoryBytes() > this.#s.memoryBudgetBytes) {
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

  #report(error: unknown, context: FailureContext): void {
    this.#s.report?.(error, context);
  }

  /** What every lane shares: the event stream, the spool, fallbacks, ids and offpath's own figures. */
  #laneContext(): LaneContext {
    return {
      clock: this.#s.clock,
      events: this.#s.events,
      spool: this.#s.spool,
      nextId: () => ++this.#seq,
      report: (error, context) => this.#report(error, context),
      worked: (ms) => {
        if (!this.#inSlice) this.#self.recordWork(ms);
      },
      delivered: (records) => this.#self.recordOut(records),
      forward: (from, parcel, reason) => this.#forward(this.#fallbacks.route(from, parcel, reason)),
    };
  }

  /** Records a destination could not deliver go on to its fallback, with their real bytes. */
  #forward(handover: Handover | undefined): void {
    const target = handover && this.#lanes.get(handover.to);
    if (!target) return;
    for (const { record, bytes } of handover.records) target.accept(record, bytes);
    this.#enforceBudget();
  }
}
