/**
 * The JSON-safe saved form of a circuit breaker, so its state survives a restart.
 * @module
 */
import type { CircuitState } from './resilience-events.js';

/**
 * A circuit breaker's state as plain JSON. `trips` counts consecutive trips without a full recovery
 * (it makes the next open period longer). A probe in flight is not saved: after a restore, nobody is
 * waiting for its outcome.
 */
export type CircuitBreakerSnapshot =
  | { readonly version: 1; readonly state: 'closed'; readonly failures: number; readonly trips: number }
  | {
      readonly version: 1;
      readonly state: 'open';
      /** Epoch ms when the breaker opened. */
      readonly openedAt: number;
      /** Epoch ms when it may move to half-open. */
      readonly until: number;
      readonly trips: number;
    }
  | { readonly version: 1; readonly state: 'half-open'; readonly successes: number; readonly trips: number };

/** Checks that `value` is a snapshot this version can restore; throws a TypeError naming the problem. */
export function validateSnapshot(value: unknown): CircuitBreakerSnapshot {
  const fail = (problem: string): never => {
    throw new TypeError(`CircuitBreaker: invalid \`initial\` snapshot: ${problem}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const s = value as { version?: unknown; state?: unknown; openedAt?: unknown; until?: unknown } & Record<
    string,
    unknown
  >;
  if (s.version !== 1) fail(`unsupported version ${String(s.version)}`);
  const counts = (...keys: string[]): void => {
    for (const key of keys) {
      const n = s[key];
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`${key} must be an integer >= 0`);
    }
  };
  const state = s.state as CircuitState;
  switch (state) {
    case 'closed':
      counts('failures', 'trips');
      break;
    case 'half-open':
      counts('successes', 'trips');
      break;
    case 'open':
      counts('trips');
      if (!Number.isFinite(s.openedAt) || !Number.isFinite(s.until)) fail('openedAt/until must be numbers');
      break;
    default:
      fail(`unknown state ${String(state)}`);
  }
  return value as CircuitBreakerSnapshot;
}
