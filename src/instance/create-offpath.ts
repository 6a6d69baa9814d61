/**
 * `createOffpath(config)`: validates the config, builds one lane per destination and returns the
 * instance users talk to. The only place where the pieces are wired together.
 * @module
 */

import type { OffpathConfig, ValidConfig } from '../config/config-schema.js';
import { resolveRecordOrigin } from '../config/record-origin.js';
import { validateConfig } from '../config/validate-config.js';
import type { RecordOrigin } from '../core/event.js';
import { normalizeEventWithSize } from '../core/normalize/normalize-event.js';
import type { EmitFn } from '../core/source.js';
import type { OffpathEvents } from '../pipeline/events.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { compileRouter } from '../pipeline/router.js';
import { createRedactor } from '../redact/redactor.js';
import { systemClock } from '../resilience/clock.js';
import { ConfigError } from '../resilience/errors.js';
import { TypedEmitter } from '../resilience/typed-emitter.js';
import { reportEvent, timeOperation } from '../sources/report.js';
import { type PipelineStages, SyncAcceptor } from '../spool/sync-acceptor.js';
import { announceCircuit } from './announce-circuit.js';
import { type BuiltLaneSpec, buildLaneSpec } from './build-lane.js';
import { buildSink } from './build-sink.js';
import { coordinateLanes } from './coordinate-lanes.js';
import { listDeadLetters, replayDeadLetters } from './dead-letters.js';
import { INSTANCE_DEFAULTS } from './defaults.js';
import { tapPipeline } from './delivery-tap.js';
import { installExitHooks } from './exit-hooks.js';
import { groupCommit } from './group-commit.js';
import type { DestinationStats, FlushResult, Offpath, OffpathDependencies } from './offpath-types.js';
import { openInstanceSpool } from './open-instance-spool.js';
import { planReconfigure } from './plan-reconfigure.js';
import { createFailureReporter } from './report-failure.js';
import { watchHealth } from './watch-health.js';

export type { DeadLetter, DeadLetterFilter, DeadLetterQuery } from './dead-letters.js';
export type {
  DeadlineOptions,
  DestinationStats,
  FlushResult,
  Offpath,
  OffpathDependencies,
  OffpathStats,
  ReconfigureResult,
  ServiceEventName,
} from './offpath-types.js';
export type { OffpathHealth } from './watch-health.js';

/**
 * Creates an instance.
 * @throws ConfigError when the config is invalid (synchronously; every problem is listed).
 * @example
 * const offpath = createOffpath({
 *   destinations: [{ name: 'ops', type: 'discord', url: process.env.DISCORD_WEBHOOK_URL }],
 * });
 * offpath.emit({ level: 'error', title: 'Payment failed', fields: { orderId: 42 } });
 * await offpath.close();
 */
export function createOffpath(config: OffpathConfig, deps: OffpathDependencies = {}): Offpath {
  const valid = validateConfig(config);
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const events = new TypedEmitter<OffpathEvents>({
    onListenerError: (error, type) => failures.listenerFailed(error, type),
  });
  const failures = createFailureReporter(events, deps);
  const report = failures.report;
  const sharedRedactor = valid.redact === false ? undefined : createRedactor(valid.redact);
  const prepare = sharedRedactor
    ? (r: Parameters<typeof sharedRedactor.record>[0]) => sharedRedactor.record(r)
    : identity;
  const retryAfterCapMs = valid.limits?.retryAfterCapMs ?? INSTANCE_DEFAULTS.retryAfterCapMs;
  const coordinated = coordinateLanes(valid.coordination, { clock, events, report });

  // A durable spool already holds every accepted delivery: overflow must wait there, never be dropped.
  const specOf = (d: ValidConfig['destinations'][number], origin: RecordOrigin): BuiltLaneSpec => {
    const spec = buildLaneSpec(d, buildSink(d, { clock, service: origin.service, origin }), {
      clock,
      random,
      prepare,
      retryAfterCapMs,
      coordinate: coordinated?.coordinate,
    });
    return valid.spool?.durable ? { ...spec, overflow: 'spool' as const } : spec;
  };
  const enabled = (config: ValidConfig) => config.destinations.filter((d) => d.enabled !== false);
  /** The live destinations, by name; a reload changes it. */
  const origin = resolveRecordOrigin(valid);
  const specs = new Map(enabled(valid).map((d) => [d.name, specOf(d, origin)]));
  const lanes = [...specs.values()];
  const route = compileRouter(valid.routes, enabled(valid), {
    random,
    criticalBypass: valid.criticalBypass,
  });
  let current = valid;

  const spool = valid.spool
    ? openInstanceSpool(valid.spool, {
        clock,
        redactText: sharedRedactor?.text ?? identity,
        events,
        report,
      })
    : undefined;
  const base: PipelineStages = {
    normalize: (event, id, time) => normalizeEventWithSize(event, { id, receivedAt: time }),
    route,
    prepare,
  };
  // Strict durable mode: emit() normalises, routes, redacts and journals; the pipeline reuses that work.
  const acceptor = spool?.journal ? new SyncAcceptor(spool.journal, base) : undefined;
  const stages = acceptor ?? base;

  // In strict durable mode a record arrives redacted already: the acceptor's prepare step knows it.
  const withStages = (spec: BuiltLaneSpec): BuiltLaneSpec =>
    acceptor ? { ...spec, prepare: stages.prepare } : spec;

  const intakeCapacity = valid.limits?.intakeCapacity ?? INSTANCE_DEFAULTS.intakeCapacity;
  const hasLane = (name: string): boolean => pipeline.lane(name) !== undefined;
  const ports = deps.tap
    ? tapPipeline(deps.tap, { stages, journal: acceptor, spool: spool?.spool, events, hasLane })
    : { stages, journal: acceptor, spool: spool?.spool };
  const pipeline = new Pipeline({
    clock,
    intakeCapacity,
    memoryBudgetBytes: valid.limits?.memoryBudgetBytes ?? INSTANCE_DEFAULTS.memoryBudgetBytes,
    sliceMs: valid.limits?.sliceMs ?? INSTANCE_DEFAULTS.sliceMs,
    normalize: ports.stages.normalize,
    route: ports.stages.route,
    lanes: lanes.map(withStages),
    events,
    spool: ports.spool,
    journal: ports.journal,
    report,
    selfBudget:
      valid.limits?.cpuBudgetPercent === undefined
        ? undefined
        : { cpuPercent: valid.limits.cpuBudgetPercent },
    shedBelowLevel: valid.limits?.shedBelowLevel,
  });
  coordinated?.bind(pipeline);
  const health = watchHealth(pipeline, specs, events, clock);
  for (const spec of lanes) announceCircuit(events, spec);

  /**
   * Runs `run` until done or the deadline. Only close cuts anything off: what it dropped as
   * `shutdown`, plus what it leaves in the spool (spilled earlier or at the deadline, and not
   * delivered by it). `spooled` is a gauge, so it is read after, never compared with before.
   */
  const deadline = async (
    timeoutMs: number,
    final: boolean,
    run: (signal: AbortSignal) => Promise<void>,
  ): Promise<FlushResult> => {
    const shutdownBefore = pipeline.stats().droppedBy.shutdown ?? 0;
    const controller = new AbortController();
    const timer = clock.setTimeout(() => controller.abort(), timeoutMs, { ref: true });
    try {
      await run(controller.signal);
    } catch (error) {
      report(error, { phase: 'flush' });
    } finally {
      clock.clearTimeout(timer);
    }
    const after = pipeline.stats();
    const cutOff = (after.droppedBy.shutdown ?? 0) - shutdownBefore + (final ? after.spooled : 0);
    return { complete: after.pending === 0 && cutOff === 0, pending: after.pending, cutOff };
  };

  let closing: Promise<FlushResult> | undefined;
  let reconfiguring = Promise.resolve();
  const instance: Offpath = {
    get config() {
      return current;
    },
    emit: (event) => pipeline.emit(event),
    stats: () => {
      const base = pipeline.stats();
      const destinations: Record<string, DestinationStats> = {};
      for (const spec of specs.values()) {
        const lane = pipeline.lane(spec.name)!;
        destinations[spec.name] = {
          ...base.destinations[spec.name]!,
          state: lane.state,
          circuit: spec.breaker.state,
          queueDepth: lane.queueDepth,
          memoryBytes: lane.ledger.bytes,
        };
      }
      const stats = { ...base, destinations, self: pipeline.selfStats() };
      return spool ? { ...stats, spool: spool.spool.stats() } : stats;
    },
    health: coordinated ? () => ({ ...health(), coordination: coordinated.status() }) : health,
    flush: (options) =>
      deadline(options?.timeoutMs ?? INSTANCE_DEFAULTS.flushTimeoutMs, false, async (s) => {
        await pipeline.flush(s);
        spool?.spool.flushSync();
      }),
    close: (options) => {
      removeExitHooks?.();
      closing ??= deadline(
        options?.timeoutMs ?? valid.closeTimeoutMs ?? INSTANCE_DEFAULTS.closeTimeoutMs,
        true,
        async (s) => {
          try {
            await pipeline.close(s);
          } finally {
            spool?.close();
            await coordinated?.close();
          }
        },
      );
      return closing;
    },
    on: (type, listener) => events.on(type, listener),
    enable: (name) => {
      const lane = pipeline.lane(name);
      if (lane?.state !== 'disabled') return false;
      lane.enable();
      if (events.hasListeners('destination-enabled'))
        events.emit('destination-enabled', { destination: name });
      return true;
    },
    replayDeadLetters: (filter = {}) =>
      spool ? replayDeadLetters(spool.spool, pipeline.laneNames, filter) : 0,
    deadLetters: (query = {}) => (spool ? listDeadLetters(spool.spool, pipeline.laneNames, query) : []),
    intakeRoom: () => pipeline.intakeRoom,
    // Without a durable spool nothing survives a crash anyway: there is nothing to wait for.
    persisted: spool?.spool.durable
      ? groupCommit({
          accepted: () => pipeline.emittedCount,
          routed: () => pipeline.emittedCount - (intakeCapacity - pipeline.intakeRoom),
          commit: () => spool.spool.flushSync(),
        })
      : () => Promise.resolve(),
    reconfigure: (config, options) => {
      const next = validateConfig(config);
      const plan = planReconfigure(current, next);
      const nextOrigin = resolveRecordOrigin(next);
      if (closing) throw new ConfigError('the instance is closed; it cannot be reconfigured', []);
      // Retire first (synchronously out of routing), then add: a changed destination's old lane drains
      // while its new lane already takes new events.
      const controller = new AbortController();
      const drained = [...plan.changed, ...plan.removed].map((name) => {
        const release = specs.get(name)?.release;
        specs.delete(name);
        return pipeline.retireLane(name, controller.signal).finally(release);
      });
      for (const d of enabled(next)) {
        if (specs.has(d.name)) continue;
        const spec = specOf(d, nextOrigin);
        specs.set(d.name, spec);
        pipeline.addLane(withStages(spec));
        announceCircuit(events, spec);
      }
      const nextRoute = compileRouter(next.routes, enabled(next), {
        random,
        criticalBypass: next.criticalBypass,
      });
      // In strict durable mode routing is decided at the door, by the acceptor.
      if (acceptor) acceptor.setRoute(nextRoute);
      else pipeline.setRoute(nextRoute);
      current = next;
      const timeoutMs = options?.timeoutMs ?? next.closeTimeoutMs ?? INSTANCE_DEFAULTS.closeTimeoutMs;
      const timer = clock.setTimeout(() => controller.abort(), timeoutMs);
      reconfiguring = reconfiguring
        .then(() => Promise.all(drained))
        .then(
          () => clock.clearTimeout(timer),
          (error: unknown) => report(error, { phase: 'reconfigure' }),
        );
      return { ...plan, drained: reconfiguring.then(() => undefined) };
    },
    report: (error, options) => pipeline.emit(reportEvent(error, options)),
    time: (name, fn, options) => timeOperation((event) => pipeline.emit(event), name, fn, options),
    publish: (type, payload) => {
      if (events.hasListeners(type)) events.emit(type, payload);
    },
    attach: (source) => {
      const emit: EmitFn = (event) => pipeline.emit(event);
      try {
        return source.attach(emit, (error) => report(error, { phase: 'source' }));
      } catch (error) {
        report(error, { phase: 'attach' });
        return () => {};
      }
    },
  };
  if (spool?.spool.stats().movedAside) {
    const moved = spool.spool.stats().movedAside!;
    pipeline.emit({
      level: 'warn',
      kind: 'alert',
      title: 'offpath spool file was unusable and was moved aside',
      message: `A fresh spool was started; the old file (${moved.reason}) was kept for inspection.`,
      fields: { movedTo: moved.movedTo, reason: moved.reason },
      fingerprint: 'offpath-spool-moved-aside',
    });
  }
  const removeExitHooks = valid.handleSignals
    ? installExitHooks(
        () => instance.close(),
        () => instance.flush(),
      )
    : undefined;
  failures.created();
  return instance;
}

function identity<T>(value: T): T {
  return value;
}
