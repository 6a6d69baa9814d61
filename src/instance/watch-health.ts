/**
 * Keeps a health tracker per destination, fed by the instance's own event stream, and publishes a
 * `health-change` event whenever a destination's state changes.
 * @module
 */
import type { CoordinationStatus } from '../coordination/create-coordination.js';
import { type DestinationHealth, type HealthState, HealthTracker } from '../pipeline/destination-health.js';
import type { OffpathEvents } from '../pipeline/events.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Clock } from '../resilience/clock.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';
import type { BuiltLaneSpec } from './build-lane.js';

/** What `health()` reports. */
export interface OffpathHealth {
  /** `healthy` when every destination is; `unhealthy` when none can deliver; else `degraded`. */
  readonly state: 'healthy' | 'degraded' | 'unhealthy';
  readonly destinations: Readonly<Record<string, DestinationHealth>>;
  /** With a `coordination` section: shared, fallback or local, the replicas hint and the connection. */
  readonly coordination?: CoordinationStatus;
}

const HEALTH_DEFAULTS = { windowMs: 300_000, degradedErrorRate: 0.1, degradedBacklogMs: 60_000 };

/**
 * Starts tracking; returns the `health()` function of the instance. `specs` is the instance's live
 * map of destinations: a destination a reload replaces gets a fresh tracker (its lane is new too).
 */
export function watchHealth(
  pipeline: Pipeline,
  specs: ReadonlyMap<string, BuiltLaneSpec>,
  events: TypedEmitter<OffpathEvents>,
  clock: Clock,
): () => OffpathHealth {
  const trackerOf = new WeakMap<BuiltLaneSpec, HealthTracker>();
  const lastOf = new WeakMap<BuiltLaneSpec, HealthState>();
  const trackers = {
    get(name: string): HealthTracker | undefined {
      const spec = specs.get(name);
      if (!spec) return undefined;
      let tracker = trackerOf.get(spec);
      if (!tracker) {
        tracker = new HealthTracker(HEALTH_DEFAULTS, clock);
        trackerOf.set(spec, tracker);
      }
      return tracker;
    },
  };
  const last = {
    get: (name: string): HealthState | undefined => {
      const spec = specs.get(name);
      return spec ? (lastOf.get(spec) ?? 'healthy') : undefined;
    },
    set: (name: string, state: HealthState): void => {
      const spec = specs.get(name);
      if (spec) lastOf.set(spec, state);
    },
  };

  const report = (name: string): DestinationHealth => {
    const spec = specs.get(name)!;
    const lane = pipeline.lane(name)!;
    return trackers.get(name)!.report({
      disabled: lane.state === 'disabled',
      circuit: spec.breaker.state,
      pausedUntil: spec.limiter.pausedUntil,
      queueDepth: lane.queueDepth,
      oldestTime: lane.oldestTime(),
    });
  };
  const check = (name: string): void => {
    // A lane a reload took out may still report while it drains.
    if (!specs.has(name) || !pipeline.lane(name)) return;
    const to = report(name).state;
    const from = last.get(name);
    if (from === undefined || from === to) return;
    last.set(name, to);
    if (events.hasListeners('health-change')) events.emit('health-change', { destination: name, from, to });
  };

  events.on('request-success', (e) => {
    trackers.get(e.destination)?.recordSuccess(e.latencyMs);
    check(e.destination);
  });
  events.on('request-failure', (e) => {
    trackers.get(e.destination)?.recordFailure(e.latencyMs, e.error);
    check(e.destination);
  });
  events.on('rate-limited', (e) => check(e.destination));
  events.on('circuit-state', (e) => check(e.destination));
  events.on('destination-disabled', (e) => check(e.destination));
  events.on('destination-enabled', (e) => check(e.destination));

  return () => {
    const destinations: Record<string, DestinationHealth> = {};
    for (const name of specs.keys()) {
      destinations[name] = report(name);
      check(name);
    }
    const states = Object.values(destinations).map((d) => d.state);
    const down = states.filter((s) => s === 'disabled' || s === 'open-circuit').length;
    const state = states.every((s) => s === 'healthy')
      ? 'healthy'
      : down === states.length
        ? 'unhealthy'
        : 'degraded';
    return { state, destinations };
  };
}
