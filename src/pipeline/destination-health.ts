/**
 * Health of one destination, derived from what its lane sees: sends and their latency, failures,
 * Retry-After pauses, the breaker and the backlog. States, worst last:
 * healthy → degraded → rate-limited → open-circuit → disabled.
 * @module
 */
import type { Clock } from '../resilience/clock.js';
import type { OffpathError } from '../resilience/errors.js';

/** The state of a destination. */
export type HealthState = 'healthy' | 'degraded' | 'rate-limited' | 'open-circuit' | 'disabled';

/** Severity order, used to pick the overall state. */
export const HEALTH_ORDER: readonly HealthState[] = [
  'healthy',
  'degraded',
  'rate-limited',
  'open-circuit',
  'disabled',
];

/** What `health()` reports for one destination. */
export interface DestinationHealth {
  readonly state: HealthState;
  readonly lastSuccess: { readonly at: number } | undefined;
  readonly lastFailure:
    | {
        readonly at: number;
        readonly status: number | undefined;
        readonly code: string;
        readonly reason: string;
      }
    | undefined;
  readonly queueDepth: number;
  /** Age of the oldest record still held, in ms (0 when empty). */
  readonly oldestAgeMs: number;
  /** Send latency percentiles over the recent window, in ms. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Failed sends / all sends over the recent window (rate-limit answers excluded). */
  readonly errorRate: number;
  readonly sendsInWindow: number;
}

/** What the tracker needs to know of the lane at the moment of a report. */
export interface LaneView {
  readonly disabled: boolean;
  readonly circuit: 'closed' | 'open' | 'half-open';
  readonly pausedUntil: number;
  readonly queueDepth: number;
  readonly oldestTime: number | undefined;
}

/** Options of the health tracker. */
export interface HealthSettings {
  /** Window of recent sends for error rate and latency. @default 300_000 */
  readonly windowMs: number;
  /** Error rate above which a destination is degraded. @default 0.1 */
  readonly degradedErrorRate: number;
  /** Backlog age above which a destination is degraded. @default 60_000 */
  readonly degradedBacklogMs: number;
}

interface Sample {
  readonly at: number;
  readonly latencyMs: number;
  readonly failed: boolean;
}

const MAX_SAMPLES = 512;

/** Aggregates one destination's recent sends; bounded memory (a ring of the last sends). */
export class HealthTracker {
  readonly #s: HealthSettings;
  readonly #clock: Clock;
  readonly #samples: Sample[] = [];
  #next = 0;
  #lastSuccess: DestinationHealth['lastSuccess'];
  #lastFailure: DestinationHealth['lastFailure'];

  constructor(settings: HealthSettings, clock: Clock) {
    this.#s = settings;
    this.#clock = clock;
  }

  recordSuccess(latencyMs: number): void {
    const at = this.#clock.now();
    this.#lastSuccess = { at };
    this.#push({ at, latencyMs, failed: false });
  }

  /** A failed send. `reason` must already be safe to show (offpath's own messages name no secrets). */
  recordFailure(latencyMs: number, error: OffpathError): void {
    const at = this.#clock.now();
    this.#lastFailure = {
      at,
      status: error.statusCode,
      code: error.code,
      reason: error.message.slice(0, 300),
    };
    // A 429 is pacing, not a failure of the destination.
    if (error.code !== 'ERR_RATE_LIMITED') this.#push({ at, latencyMs, failed: true });
  }

  report(lane: LaneView): DestinationHealth {
    const now = this.#clock.now();
    const recent = this.#samples.filter((s) => now - s.at <= this.#s.windowMs);
    const failed = recent.filter((s) => s.failed).length;
    const errorRate = recent.length === 0 ? 0 : failed / recent.length;
    const latencies = recent.map((s) => s.latencyMs).sort((a, b) => a - b);
    const pct = (p: number): number =>
      latencies.length === 0
        ? 0
        : latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!;
    const oldestAgeMs = lane.oldestTime === undefined ? 0 : Math.max(0, now - lane.oldestTime);
    return {
      state: this.#state(lane, errorRate, oldestAgeMs, now),
      lastSuccess: this.#lastSuccess,
      lastFailure: this.#lastFailure,
      queueDepth: lane.queueDepth,
      oldestAgeMs,
      latencyMs: { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99) },
      errorRate,
      sendsInWindow: recent.length,
    };
  }

  #state(lane: LaneView, errorRate: number, oldestAgeMs: number, now: number): HealthState {
    if (lane.disabled) return 'disabled';
    if (lane.circuit !== 'closed') return 'open-circuit';
    if (lane.pausedUntil > now) return 'rate-limited';
    const lastFailedAfterSuccess =
      this.#lastFailure !== undefined &&
      this.#lastFailure.at > (this.#lastSuccess?.at ?? -1) &&
      this.#lastFailure.code !== 'ERR_RATE_LIMITED';
    if (
      errorRate > this.#s.degradedErrorRate ||
      oldestAgeMs > this.#s.degradedBacklogMs ||
      lastFailedAfterSuccess
    )
      return 'degraded';
    return 'healthy';
  }

  #push(sample: Sample): void {
    if (this.#samples.length < MAX_SAMPLES) this.#samples.push(sample);
    else this.#samples[this.#next] = sample;
    this.#next = (this.#next + 1) % MAX_SAMPLES;
  }
}

/** The worst of several states. */
export function worstState(states: readonly HealthState[]): HealthState {
  let worst = 0;
  for (const s of states) worst = Math.max(worst, HEALTH_ORDER.indexOf(s));
  return HEALTH_ORDER[worst]!;
}
