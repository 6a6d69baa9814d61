import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { ServerError } from './errors.js';
import { LatencyWindow } from './latency-window.js';
import { RateLimiter } from './rate-limiter.js';
import type { ResilienceEvents } from './resilience-events.js';
import { RetryPolicy } from './retry-policy.js';
import { MetricsCollector } from './telemetry.js';
import { TypedEmitter } from './typed-emitter.js';

describe('LatencyWindow', () => {
  it('answers nearest-rank percentiles', () => {
    const w = new LatencyWindow(1000);
    for (let v = 100; v >= 1; v--) w.record(v);
    expect(w.summary()).toEqual({ samples: 100, min: 1, max: 100, mean: 50.5, p50: 50, p95: 95, p99: 99 });
  });

  it('keeps only the most recent samples, matching a full sort of them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        (values, capacity) => {
          const w = new LatencyWindow(capacity);
          for (const v of values) w.record(v);
          const kept = values.slice(-capacity).sort((a, b) => a - b);
          const at = (p: number): number | undefined =>
            kept[Math.max(0, Math.ceil((p / 100) * kept.length) - 1)];
          const s = w.summary();
          expect(s.samples).toBe(kept.length);
          expect([s.min, s.max, s.p50, s.p95, s.p99]).toEqual([kept[0], kept.at(-1), at(50), at(95), at(99)]);
        },
      ),
    );
  });

  it('reports zeros when empty and ignores garbage samples', () => {
    const w = new LatencyWindow(4);
    w.record(Number.NaN);
    w.record(-1);
    w.record(Number.POSITIVE_INFINITY);
    expect(w.summary()).toEqual({ samples: 0, min: 0, max: 0, mean: 0, p50: 0, p95: 0, p99: 0 });
    expect(() => new LatencyWindow(0)).toThrow(TypeError);
  });
});

describe('MetricsCollector', () => {
  it('aggregates what the retry policy, circuit breaker and rate limiter publish', async () => {
    const clock = new ManualClock();
    const events = new TypedEmitter<ResilienceEvents>();
    const metrics = new MetricsCollector().attach(events);
    const policy = new RetryPolicy({ clock, events, jitter: 'none', initialDelayMs: 100, maxAttempts: 3 });
    const breaker = new CircuitBreaker({ clock, events, failureThreshold: 2 });
    const limiter = new RateLimiter({ limits: [{ limit: 1, intervalMs: 1000 }], clock, events });
    const run = policy.execute(async ({ attempt }) => {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 40));
      if (attempt < 3) throw new ServerError('503');
      return 'ok';
    });
    for (let i = 0; i < 30; i++) await clock.advanceAsync(20);
    await expect(run).resolves.toBe('ok');
    breaker.onFailure();
    breaker.onFailure();
    limiter.pauseFor(65_000);
    const s = metrics.snapshot();
    expect(s).toMatchObject({ requests: 3, successes: 1, failures: 2, retries: 2 });
    expect(s.successRate).toBeCloseTo(1 / 3);
    expect(s.latency).toMatchObject({ samples: 3, p50: 40, p99: 40 });
    expect(s).toMatchObject({ circuitChanges: 1, circuitOpened: 1, circuitState: 'open' });
    expect(s).toMatchObject({ rateLimited: 1, rateLimitedBySource: { proactive: 0, retryAfter: 1 } });
    expect(s.rateLimitedWaitMs).toBe(65_000);
    expect(s.failuresByCode).toEqual({ ERR_SERVER: 2 });
  });

  it('counts only its own destination when given one, and stops after detaching', () => {
    const events = new TypedEmitter<ResilienceEvents>();
    const metrics = new MetricsCollector({ destination: 'discord' }).attach(events);
    events.emit('request-start', { destination: 'discord', attempt: 1 });
    events.emit('request-start', { destination: 'slack', attempt: 1 });
    events.emit('rate-limited', { destination: 'discord', waitMs: 250, source: 'proactive' });
    metrics.detach();
    events.emit('request-start', { destination: 'discord', attempt: 2 });
    expect(events.hasListeners('request-start')).toBe(false);
    const s = metrics.snapshot();
    expect(s.requests).toBe(1);
    expect(s).toMatchObject({ rateLimited: 1, rateLimitedWaitMs: 250 });
  });

  it('can be fed directly, bounds its error codes, and reset() starts over', () => {
    const metrics = new MetricsCollector(2);
    expect(metrics.snapshot()).toMatchObject({ successRate: 1, latency: { samples: 0, p99: 0 } });
    for (const latencyMs of [5, 10, 15]) metrics.record('request-success', { attempt: 1, latencyMs });
    metrics.recordFailure(20, new Error('x'));
    expect(metrics.snapshot()).toMatchObject({
      successRate: 0.75,
      latency: { samples: 2, min: 15, max: 20 },
    });
    for (let i = 0; i < 100; i++) metrics.recordFailure(1, { code: `E${i}` });
    const codes = metrics.snapshot().failuresByCode;
    expect(Object.keys(codes)).toHaveLength(65);
    expect(codes['other']).toBe(100 - 63);
    metrics.reset();
    expect(metrics.snapshot()).toMatchObject({ requests: 0, successes: 0, failures: 0, failuresByCode: {} });
  });
});
