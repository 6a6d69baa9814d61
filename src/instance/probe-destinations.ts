/**
 * Checks every destination of a config without posting a message where the platform allows it
 * (`offpath check --probe`). Probes run in parallel, each with its own deadline; failures are values.
 * @module
 */
import type { ValidConfig } from '../config/config-schema.js';
import type { ProbeOutcome, ProbeStatus } from '../core/sink.js';
import { type Clock, systemClock } from '../resilience/clock.js';
import { isOffpathError } from '../resilience/errors.js';
import { withTimeout } from '../resilience/timeout.js';
import { describeUnreachable } from '../sinks/http/probe-request.js';
import type { DestinationConfig } from './build-lane.js';
import { buildSink } from './build-sink.js';
import { destinationTarget } from './destination-target.js';

/** What checking one destination found. */
export interface ProbeResult {
  /** The destination's name in the config. */
  readonly destination: string;
  readonly type: string;
  /** Where it sends, with tokens and webhook secrets masked. */
  readonly target: string;
  readonly status: ProbeStatus;
  /** What was found, in words; never contains a credential. */
  readonly detail: string;
  /** Time from the first request to the verdict; absent when nothing was checked. */
  readonly latencyMs?: number;
}

/** Options of {@link probeDestinations}. */
export interface ProbeDestinationsOptions {
  /** Deadline of each destination's probe, in milliseconds. @default 5_000 */
  readonly timeoutMs?: number;
  /** Source of time and timers. @default systemClock */
  readonly clock?: Clock;
}

/**
 * Probes every destination, in config order. Never throws.
 * @example
 * const results = await probeDestinations(loadConfigFile('offpath.config.yaml'));
 * const healthy = results.every((r) => r.status === 'ok' || r.status === 'skipped');
 */
export async function probeDestinations(
  config: ValidConfig,
  options: ProbeDestinationsOptions = {},
): Promise<ProbeResult[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const clock = options.clock ?? systemClock;
  return Promise.all(
    config.destinations.map((d) => probeOne(d, { timeoutMs, clock, service: config.service })),
  );
}

async function probeOne(
  destination: DestinationConfig,
  context: { timeoutMs: number; clock: Clock; service: string | undefined },
): Promise<ProbeResult> {
  const base = { destination: destination.name, type: destination.type };
  let target: string;
  let sink: ReturnType<typeof buildSink>;
  try {
    target = destinationTarget(destination);
    sink = buildSink(destination, { clock: context.clock, service: context.service });
  } catch (error) {
    return { ...base, target: '?', status: 'failed', detail: errorText(error) };
  }
  const { probe } = sink;
  if (destination.enabled === false || !probe) {
    await closeQuietly(sink.close?.bind(sink));
    const detail =
      destination.enabled === false
        ? 'disabled in the config'
        : `nothing to check for a ${destination.type} destination`;
    return { ...base, target, status: 'skipped', detail };
  }
  const started = context.clock.now();
  const outcome = await withTimeout((signal) => probe.call(sink, { signal }), context.timeoutMs, {
    clock: context.clock,
    message: `timed out after ${context.timeoutMs} ms`,
  }).catch(
    (error: unknown): ProbeOutcome =>
      isOffpathError(error) && error.code === 'ERR_TIMEOUT'
        ? { status: 'unreachable', detail: describeUnreachable(error) }
        : { status: 'failed', detail: `the probe failed: ${errorText(error)}` },
  );
  const latencyMs = context.clock.now() - started;
  await closeQuietly(sink.close?.bind(sink));
  return outcome.status === 'skipped'
    ? { ...base, target, ...outcome }
    : { ...base, target, ...outcome, latencyMs };
}

async function closeQuietly(close: (() => Promise<void>) | undefined): Promise<void> {
  await close?.().catch(() => undefined);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
