import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker, type CircuitBreakerOptions, circuitBreakerPresets } from './circuit-breaker.js';
import { CircuitOpenError } from './errors.js';
import type { ResilienceEvents } from './resilience-events.js';
import { TypedEmitter } from './typed-emitter.js';

// random() = 0.5 means "no jitter", so open periods are exact.
function breaker(options: CircuitBreakerOptions = {}): { b: CircuitBreaker; clock: ManualClock } {
  const clock = new ManualClock();
  return { b: new CircuitBreaker({ clock, random: () => 0.5, ...options }), clock };
}

function fail(b: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i++) {
    expect(b.acquire().allowed).toBe(true);
    b.onFailure();
  }
}

function probesAmong(b: CircuitBreaker, calls: number): number {
  let probes = 0;
  for (let i = 0; i < calls; i++) {
    const grant = b.acquire();
    if (grant.allowed) {
      expect(grant.probe).toBe(true);
      probes++;
    }
  }
  return probes;
}

describe('CircuitBreaker', () => {
  it('opens after `failureThreshold` consecutive failures, and a success resets the count', () => {
    const { b } = breaker({ failureThreshold: 3 });
    fail(b, 2);
    b.onSuccess();
    fail(b, 2);
    expect(b.state).toBe('closed');
    fail(b, 1);
    expect(b.state).toBe('open');
  });

  it('refuses while open with the time until half-open', () => {
    const { b, clock } = breaker({ failureThreshold: 1, recoveryTimeoutMs: 10_000 });
    fail(b, 1);
    expect(b.acquire()).toEqual({ allowed: false, retryAfterMs: 10_000, reason: 'open' });
    clock.advance(9_000);
    expect(b.acquire()).toEqual({ allowed: false, retryAfterMs: 1_000, reason: 'open' });
    clock.advance(1_000);
    expect(b.state).toBe('half-open');
  });

  it('half-open lets exactly one probe through when 100 calls arrive at once, also after a failed probe', () => {
    const { b, clock } = breaker({ failureThreshold: 1, recoveryTimeoutMs: 1000 });
    fail(b, 1);
    clock.advance(1000);
    expect(probesAmong(b, 100)).toBe(1);
    const refused = b.acquire();
    expect(refused).toMatchObject({ allowed: false, reason: 'half-open' });
    b.onFailure();
    expect(b.state).toBe('open');
    // The second trip in a row stays open twice as long.
    clock.advance(1999);
    expect(probesAmong(b, 100)).toBe(0);
    clock.advance(1);
    expect(probesAmong(b, 100)).toBe(1);
  });

  it('closes after `halfOpenSuccessThreshold` successful probes, one at a time, and forgets past trips', () => {
    const { b, clock } = breaker({ failureThreshold: 1, recoveryTimeoutMs: 1000 });
    fail(b, 1);
    clock.advance(1000);
    fail(b, 1); // failed probe: second trip, 2000 ms
    clock.advance(2000);
    expect(probesAmong(b, 10)).toBe(1);
    b.onSuccess();
    expect(b.state).toBe('half-open');
    expect(probesAmong(b, 10)).toBe(1);
    b.onSuccess();
    expect(b.state).toBe('closed');
    fail(b, 1);
    expect(b.acquire()).toMatchObject({ retryAfterMs: 1000 });
  });

  it('grows the open period with repeated trips and caps it', () => {
    const { b, clock } = breaker({
      failureThreshold: 1,
      recoveryTimeoutMs: 1000,
      recoveryMultiplier: 3,
      maxRecoveryTimeoutMs: 20_000,
    });
    const periods: number[] = [];
    fail(b, 1);
    for (let i = 0; i < 5; i++) {
      const grant = b.acquire();
      if (grant.allowed) throw new Error('expected the breaker to be open');
      periods.push(grant.retryAfterMs);
      clock.advance(grant.retryAfterMs);
      expect(b.acquire()).toEqual({ allowed: true, probe: true });
      b.onFailure();
    }
    expect(periods).toEqual([1000, 3000, 9000, 20_000, 20_000]);
  });

  it('keeps jittered open periods within ± jitterRatio and never above the cap', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (r, trips, jitterRatio) => {
          const clock = new ManualClock();
          const b = new CircuitBreaker({
            clock,
            random: () => r,
            jitterRatio,
            failureThreshold: 1,
            recoveryTimeoutMs: 1000,
            maxRecoveryTimeoutMs: 50_000,
            initial: { version: 1, state: 'half-open', successes: 0, trips: trips - 1 },
          });
          b.acquire();
          b.onFailure();
          const grant = b.acquire();
          if (grant.allowed) throw new Error('expected open');
          const base = Math.min(50_000, 1000 * 2 ** (trips - 1));
          expect(grant.retryAfterMs).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitterRatio)));
          expect(grant.retryAfterMs).toBeLessThanOrEqual(
            Math.min(50_000, Math.ceil(base * (1 + jitterRatio))),
          );
        },
      ),
    );
  });

  it('releaseProbe() gives the slot back, and a probe never reported is presumed lost after probeTimeoutMs', () => {
    const { b, clock } = breaker({ failureThreshold: 1, recoveryTimeoutMs: 1000, probeTimeoutMs: 5000 });
    fail(b, 1);
    clock.advance(1000);
    expect(probesAmong(b, 3)).toBe(1);
    b.releaseProbe();
    expect(probesAmong(b, 3)).toBe(1);
    clock.advance(4999);
    expect(probesAmong(b, 3)).toBe(0);
    clock.advance(1);
    expect(probesAmong(b, 3)).toBe(1);
  });

  it('ignores late outcomes of calls allowed before the trip', () => {
    const { b, clock } = breaker({ failureThreshold: 1, recoveryTimeoutMs: 1000 });
    b.acquire();
    fail(b, 1);
    b.onSuccess();
    b.onFailure();
    expect(b.acquire()).toMatchObject({ retryAfterMs: 1000 });
    clock.advance(1000);
    b.onSuccess(); // no probe in flight: stale
    expect(b.snapshot()).toEqual({ version: 1, state: 'half-open', successes: 0, trips: 1 });
  });

  it('publishes every state change to subscribers and to the event stream', () => {
    const events = new TypedEmitter<ResilienceEvents>();
    const published: ResilienceEvents['circuit-state'][] = [];
    events.on('circuit-state', (e) => published.push(e));
    const { b, clock } = breaker({
      failureThreshold: 1,
      recoveryTimeoutMs: 1000,
      events,
      destination: 'hook-a',
    });
    const t0 = clock.now();
    const changes: unknown[] = [];
    const off = b.subscribe((c) => changes.push(c));
    fail(b, 1);
    clock.advance(1000);
    b.acquire();
    b.onSuccess();
    b.acquire();
    b.onSuccess();
    off();
    fail(b, 1);
    expect(changes).toEqual([
      { from: 'closed', to: 'open', at: t0, reason: '1 consecutive failures' },
      { from: 'open', to: 'half-open', at: t0 + 1000, reason: 'open period over' },
      { from: 'half-open', to: 'closed', at: t0 + 1000, reason: 'probes succeeded' },
    ]);
    expect(published.map((e) => `${e.destination}:${e.from}>${e.to}`)).toEqual([
      'hook-a:closed>open',
      'hook-a:open>half-open',
      'hook-a:half-open>closed',
      'hook-a:closed>open',
    ]);
  });

  it('a throwing subscriber does not break the breaker', () => {
    const errors: unknown[] = [];
    const { b } = breaker({ failureThreshold: 1, onListenerError: (e) => errors.push(e) });
    b.subscribe(() => {
      throw new Error('listener');
    });
    fail(b, 1);
    expect(b.state).toBe('open');
    expect(errors).toHaveLength(1);
  });

  it('execute() records outcomes, throws CircuitOpenError when refused, and ignores aborted calls', async () => {
    const { b } = breaker({ failureThreshold: 2, isFailure: (e) => !(e instanceof RangeError) });
    await expect(b.execute(async () => 'ok')).resolves.toBe('ok');
    await expect(b.execute(async () => Promise.reject(new RangeError('bad input')))).rejects.toThrow(
      RangeError,
    );
    const controller = new AbortController();
    const aborted = b.execute(async (signal) => {
      controller.abort(new Error('stop'));
      throw signal.reason;
    }, controller.signal);
    await expect(aborted).rejects.toThrow('stop');
    await expect(b.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(b.state).toBe('closed');
    await expect(b.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    const refused = await b.execute(async () => 'never').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).retryAfterMs).toBe(30_000);
  });

  it('an aborted probe inside execute() gives its slot back', async () => {
    const { b, clock } = breaker({ failureThreshold: 1, recoveryTimeoutMs: 1000 });
    fail(b, 1);
    clock.advance(1000);
    const controller = new AbortController();
    await b
      .execute(async () => {
        controller.abort();
        throw new Error('aborted');
      }, controller.signal)
      .catch(() => {});
    expect(probesAmong(b, 5)).toBe(1);
  });

  it('applies the presets', () => {
    const clock = new ManualClock();
    const strict = new CircuitBreaker({ ...circuitBreakerPresets.strict, clock, random: () => 0.5 });
    fail(strict, 3);
    expect(strict.acquire()).toMatchObject({ allowed: false, retryAfterMs: 15_000 });
    const lenient = new CircuitBreaker({ ...circuitBreakerPresets.lenient, clock });
    fail(lenient, 9);
    expect(lenient.state).toBe('closed');
    expect(circuitBreakerPresets.defaults).toEqual({
      failureThreshold: 5,
      recoveryTimeoutMs: 30_000,
      halfOpenSuccessThreshold: 2,
    });
  });

  it('waitMs() tells the time until a call could pass, without taking the probe slot', () => {
    const { b, clock } = breaker({ failureThreshold: 1, recoveryTimeoutMs: 5000 });
    expect(b.waitMs()).toBe(0);
    fail(b, 1);
    expect(b.waitMs()).toBe(5000);
    clock.advance(5000);
    expect(b.waitMs()).toBe(0);
    expect(b.waitMs()).toBe(0);
    expect(probesAmong(b, 3)).toBe(1);
    expect(b.waitMs()).toBe(1000);
  });

  it('raises the default cap to a longer recovery timeout instead of refusing it', () => {
    const { b } = breaker({ failureThreshold: 1, recoveryTimeoutMs: 600_000 });
    fail(b, 1);
    expect(b.acquire()).toMatchObject({ retryAfterMs: 600_000 });
  });

  it('rejects invalid options', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(/failureThreshold/);
    expect(() => new CircuitBreaker({ recoveryTimeoutMs: -1 })).toThrow(/recoveryTimeoutMs/);
    expect(() => new CircuitBreaker({ recoveryTimeoutMs: 10, maxRecoveryTimeoutMs: 5 })).toThrow(
      /maxRecovery/,
    );
    expect(() => new CircuitBreaker({ recoveryMultiplier: 0.5 })).toThrow(/recoveryMultiplier/);
    expect(() => new CircuitBreaker({ jitterRatio: 1 })).toThrow(/jitterRatio/);
  });
});
