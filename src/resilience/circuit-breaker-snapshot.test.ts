import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { CircuitBreakerSnapshot } from './circuit-breaker-snapshot.js';

describe('CircuitBreaker snapshots', () => {
  it('round-trips an open breaker through JSON, trips and timing included', () => {
    const clock = new ManualClock();
    const options = { clock, random: () => 0.5, failureThreshold: 2, recoveryTimeoutMs: 1000 };
    const b = new CircuitBreaker(options);
    b.onFailure();
    b.onFailure();
    clock.advance(1000);
    expect(b.acquire()).toEqual({ allowed: true, probe: true });
    b.onFailure();
    const saved = JSON.parse(JSON.stringify(b.snapshot())) as CircuitBreakerSnapshot;
    expect(saved).toEqual({
      version: 1,
      state: 'open',
      openedAt: clock.now(),
      until: clock.now() + 2000,
      trips: 2,
    });
    const restored = new CircuitBreaker({ ...options, initial: saved });
    expect(restored.snapshot()).toEqual(saved);
    expect(restored.acquire()).toMatchObject({ retryAfterMs: 2000 });
    clock.advance(2000);
    expect(restored.snapshot()).toEqual({ version: 1, state: 'half-open', successes: 0, trips: 2 });
    // The restored breaker keeps its history: one probe, and a failed probe means a third, longer trip.
    expect(restored.acquire()).toEqual({ allowed: true, probe: true });
    expect(restored.acquire().allowed).toBe(false);
    restored.onFailure();
    expect(restored.acquire()).toMatchObject({ retryAfterMs: 4000 });
  });

  it('restores a closed breaker with its failure count', () => {
    const closed = new CircuitBreaker({ initial: { version: 1, state: 'closed', failures: 4, trips: 0 } });
    closed.onFailure();
    expect(closed.state).toBe('open');
  });

  it('refuses a malformed snapshot with a TypeError', () => {
    for (const initial of [
      null,
      { version: 2 },
      { version: 1, state: 'ajar', trips: 0 },
      { version: 1, state: 'closed', failures: -1, trips: 0 },
      { version: 1, state: 'open', trips: 1, openedAt: 0, until: 'later' },
    ]) {
      expect(() => new CircuitBreaker({ initial: initial as unknown as CircuitBreakerSnapshot })).toThrow(
        TypeError,
      );
    }
  });
});
