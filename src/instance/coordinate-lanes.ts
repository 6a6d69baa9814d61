/**
 * An instance's lanes on shared state: with a `coordination` section, one {@link Coordination} per
 * instance gives each destination's lane a limiter, a circuit and cooldowns shared with the other
 * processes (through the lane-side adapters, which answer the lane synchronously and wake it when a
 * shared decision lands), carries the "destination gone" flag between the lanes of every process,
 * and reports the coordination state (an instance event, `health()`). Without the section none of
 * this exists and the lanes are built as for a single process.
 * @module
 */
import type { CoordinationConfig } from '../config/coordination-schema.js';
import {
  type CoordinationStatus,
  createCoordination,
  type DestinationCoordination,
} from '../coordination/create-coordination.js';
import type { LimitTarget } from '../coordination/limiter-plan.js';
import { ReservingBreaker } from '../coordination/reserving-breaker.js';
import { ReservingLimiter } from '../coordination/reserving-limiter.js';
import { SharedNoiseControl } from '../coordination/shared-noise-control.js';
import type { OffpathEvents, ReportFailure } from '../pipeline/events.js';
import type { NoiseFactory } from '../pipeline/lane-policies.js';
import { NoiseControl, type NoiseSettings } from '../pipeline/noise-control.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Clock } from '../resilience/clock.js';
import { DestinationGoneError } from '../resilience/errors.js';
import type { TypedEmitter } from '../resilience/typed-emitter.js';
import type { DestinationConfig, LaneCoordinator, LanePolicies, PolicyInput } from './build-lane.js';

/** The coordination of one instance. */
export interface CoordinatedLanes {
  /** Builds a destination's shared policies (given to `buildLaneSpec`). */
  readonly coordinate: LaneCoordinator;
  /** The pipeline whose lanes a shared "gone" flag disables and re-enables. */
  bind(pipeline: Pipeline): void;
  status(): CoordinationStatus;
  /** Disconnects from Redis (after the lanes closed); idempotent. */
  close(): Promise<void>;
}

/** What the coordination of an instance needs from it. */
export interface CoordinateDeps {
  readonly clock: Clock;
  readonly events: TypedEmitter<OffpathEvents>;
  /** The instance's failure reporter: a failure of coordination that is a bug, not an outage. */
  readonly report: ReportFailure;
}

/** Undefined without a `coordination` section: nothing is shared and nothing connects. */
export function coordinateLanes(
  config: CoordinationConfig | undefined,
  deps: CoordinateDeps,
): CoordinatedLanes | undefined {
  const { clock, events } = deps;
  const report = (error: unknown, destination?: string): void =>
    deps.report(error, { phase: 'coordination', destination });
  const coordination = createCoordination(config, { clock, onError: (error) => report(error) });
  if (!coordination) return undefined;
  coordination.on('coordination-state', (change) => {
    if (events.hasListeners('coordination-state')) events.emit('coordination-state', change);
  });
  /** The shared state of each live lane, by destination name. */
  const live = new Map<string, DestinationCoordination>();
  let pipeline: Pipeline | undefined;

  // A lane that finds its destination gone tells every process; `enable(name)` clears it everywhere.
  events.on('destination-disabled', ({ destination, error }) => {
    live.get(destination)?.breaker.markGone(`${error.code}: ${error.message}`.slice(0, 200));
  });
  events.on('destination-enabled', ({ destination }) => {
    const shared = live.get(destination);
    if (shared?.breaker.gone !== undefined) shared.breaker.reset();
  });

  /** Another process found the destination gone (or enabled it again): this lane follows. */
  const follow = (name: string, shared: DestinationCoordination): void => {
    const lane = live.get(name) === shared ? pipeline?.lane(name) : undefined;
    if (!lane) return;
    const gone = shared.breaker.gone;
    if (gone !== undefined && lane.state === 'active') {
      lane.disable(new DestinationGoneError(`disabled by another process: ${gone}`));
    } else if (gone === undefined && lane.state === 'disabled') {
      lane.enable();
      if (events.hasListeners('destination-enabled'))
        events.emit('destination-enabled', { destination: name });
    }
  };

  const coordinate = (input: PolicyInput): LanePolicies => {
    const { destination } = input;
    const shared = coordination.forDestination({
      target: limitTarget(destination),
      limits: input.limits,
      breaker: input.breaker,
    });
    live.set(destination.name, shared);
    const off = shared.breaker.subscribe(() => follow(destination.name, shared));
    const breaker = new ReservingBreaker(shared.breaker, clock);
    return {
      limiter: new ReservingLimiter(shared.limiter, clock),
      breaker,
      noise: input.noise && sharedNoise(input.noise, shared, clock, (e) => report(e, destination.name)),
      release: () => {
        off();
        breaker.close();
        shared.release();
        if (live.get(destination.name) === shared) live.delete(destination.name);
      },
    };
  };

  return {
    coordinate,
    bind: (p) => {
      pipeline = p;
    },
    status: () => coordination.status(),
    close: () => coordination.close(),
  };
}

/**
 * Cooldowns by fingerprint shared with the other processes; storm mode stays this lane's own (it is
 * about this lane's backlog), so it runs first as a `NoiseControl` with cooldowns off.
 */
function sharedNoise(
  settings: NoiseSettings,
  shared: DestinationCoordination,
  clock: Clock,
  report: (error: unknown) => void,
): NoiseFactory {
  return (handOver, nextId, countedElsewhere, repeated) => {
    const storm = settings.storm
      ? new NoiseControl({ ...settings, cooldownMs: 0, bypassLevel: undefined }, clock, handOver, nextId)
      : undefined;
    return new SharedNoiseControl(
      settings,
      shared.noise,
      clock,
      { handOver, repeated, countedElsewhere, nextId, report },
      storm,
    );
  };
}

/** What a platform counts a destination's sends against (secrets are hashed by `limiterPlan`). */
function limitTarget(destination: DestinationConfig): LimitTarget {
  switch (destination.type) {
    case 'discord':
      return { type: 'discord', url: destination.url };
    case 'slack':
    case 'http':
      return { type: destination.type, url: destination.url };
    case 'telegram':
      return { type: 'telegram', token: destination.token, chatId: destination.chatId };
    default:
      return { type: destination.type, name: destination.name };
  }
}
