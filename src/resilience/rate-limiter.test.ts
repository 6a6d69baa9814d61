import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import type { Clock } from './clock.js';
import { type RateLimit, RateLimiter } from './rate-limiter.js';
import type { ResilienceEvents } from './resilience-events.js';
import { TypedEmitter } from './typed-emitter.js';

/**
 * Simulates clients arriving at the given offsets; a refused client comes back after exactly the wait it
 * was told. Returns the times at which acquisitions were granted.
 */
function simulate(limiter: RateLimiter, clock: ManualClock, arrivals: readonly number[]): number[] {
  const granted: number[] = [];
  const attempt = (): void => {
    const wait = limiter.tryAcquire();
    if (wait === 0) granted.push(clock.now());
    else clock.setTimeout(attempt, wait);
  };
  for (const at of arrivals) clock.setTimeout(attempt, at);
  clock.advance(10_000_000);
  expect(clock.pendingTimers).toBe(0);
  return granted;
}

/** Discord's per-webhook limit, 5 per 2 s, on a manual clock. */
function webhookLimiter(): { clock: ManualClock; limiter: RateLimiter } {
  const clock = new ManualClock();
  return { clock, limiter: new RateLimiter({ limits: [{ limit: 5, intervalMs: 2000 }], clock }) };
}

const rule = fc.record({
  limit: fc.integer({ min: 1, max: 8 }),
  intervalMs: fc.integer({ min: 1, max: 5000 }),
});

describe('RateLimiter', () => {
  it('never grants more than `limit` in any interval, under random arrivals and composed limits', () => {
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 50 }),
        (limits, arrivals, marginMs) => {
          const clock = new ManualClock();
          const start = clock.now();
          const limiter = new RateLimiter({ limits, clock, marginMs });
          const granted = simulate(limiter, clock, arrivals);
          expect(granted).toHaveLength(arrivals.length);
          for (const { limit, intervalMs } of limits) {
            for (let i = 0; i + limit < granted.length; i++) {
              // limit + 1 consecutive grants must span at least one full (margin-widened) interval.
              expect(granted[i + limit]! - granted[i]!).toBeGreaterThanOrEqual(intervalMs + marginMs);
            }
          }
          // Nobody is granted before arriving.
          expect(Math.min(...granted)).toBeGreaterThanOrEqual(start + Math.min(...arrivals));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tells a lone caller the exact wait: after waiting it, the acquisition succeeds', () => {
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 60 }),
        (limits, n) => {
          const clock = new ManualClock();
          const limiter = new RateLimiter({ limits, clock });
          for (let i = 0; i < n; i++) {
            const wait = limiter.tryAcquire();
            if (wait > 0) {
              clock.advance(wait - 1);
              expect(limiter.waitMs()).toBeGreaterThan(0);
              clock.advance(1);
              expect(limiter.tryAcquire()).toBe(0);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('composes 5 per 2 s with 30 per 60 s', () => {
    const clock = new ManualClock();
    const start = clock.now();
    const limiter = new RateLimiter({
      limits: [
        { limit: 5, intervalMs: 2000 },
        { limit: 30, intervalMs: 60_000 },
      ],
      clock,
    });
    const granted: number[] = [];
    for (let i = 0; i < 35; i++) {
      const wait = limiter.tryAcquire();
      if (wait > 0) {
        clock.advance(wait);
        expect(limiter.tryAcquire()).toBe(0);
      }
      granted.push(clock.now() - start);
    }
    // Bursts of five every 2 s until 30, then the 60 s window holds the 31st back.
    expect(granted.slice(0, 30)).toEqual(Array.from({ length: 30 }, (_, i) => Math.floor(i / 5) * 2000));
    expect(granted.slice(30)).toEqual([60_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('a token bucket allows a burst of `limit`, then refills continuously', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({
      limits: [{ limit: 4, intervalMs: 1000, kind: 'token-bucket' }],
      clock,
    });
    for (let i = 0; i < 4; i++) expect(limiter.tryAcquire()).toBe(0);
    expect(limiter.waitMs()).toBe(250);
    expect(limiter.waitMs(2)).toBe(500);
    clock.advance(250);
    expect(limiter.tryAcquire()).toBe(0);
    expect(limiter.tryAcquire()).toBe(250);
  });

  it('a token bucket never exceeds its burst plus its refill rate, under random arrivals', () => {
    fc.assert(
      fc.property(rule, fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 60 }), (r, arrivals) => {
        const clock = new ManualClock();
        const limiter = new RateLimiter({ limits: [{ ...r, kind: 'token-bucket' }], clock });
        const granted = simulate(limiter, clock, arrivals);
        for (let i = 0; i < granted.length; i++) {
          for (let j = i; j < granted.length; j++) {
            const allowed = r.limit + ((granted[j]! - granted[i]!) * r.limit) / r.intervalMs;
            expect(j - i + 1).toBeLessThanOrEqual(allowed + 1e-6);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('pauses for the full 65 s of a Retry-After, and a longer pause wins over a shorter one', () => {
    const { clock, limiter } = webhookLimiter();
    limiter.pauseFor(65_000);
    expect(limiter.waitMs()).toBe(65_000);
    expect(limiter.pausedUntil).toBe(clock.now() + 65_000);
    limiter.pauseFor(1000);
    expect(limiter.waitMs()).toBe(65_000);
    clock.advance(64_999);
    expect(limiter.tryAcquire()).toBe(1);
    limiter.pauseFor(10_000);
    expect(limiter.waitMs()).toBe(10_000);
    clock.advance(10_000);
    expect(limiter.pausedUntil).toBe(0);
    expect(limiter.tryAcquire()).toBe(0);
  });

  it('resume() ends a pause at once', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limits: [{ limit: 1, intervalMs: 1000 }], clock });
    limiter.pauseFor(30_000);
    limiter.resume();
    expect(limiter.pausedUntil).toBe(0);
    expect(limiter.tryAcquire()).toBe(0);
  });

  it('bounds the wait by one interval when the clock steps backwards', () => {
    let now = 1_000_000;
    const clock: Clock = { now: () => now, setTimeout: () => ({}), clearTimeout: () => {} };
    const limiter = new RateLimiter({ limits: [{ limit: 2, intervalMs: 1000 }], clock });
    limiter.tryAcquire();
    limiter.tryAcquire();
    now -= 3_600_000;
    expect(limiter.waitMs()).toBe(1000);
    now += 1000;
    expect(limiter.tryAcquire()).toBe(0);
  });

  it('rejects invalid options and costs eagerly', () => {
    expect(() => new RateLimiter({ limits: undefined as unknown as [] })).toThrow(TypeError);
    expect(() => new RateLimiter({ limits: [{ limit: 0, intervalMs: 1000 }] })).toThrow(/limits\[0\]\.limit/);
    expect(() => new RateLimiter({ limits: [{ limit: 1, intervalMs: Number.NaN }] })).toThrow(/intervalMs/);
    expect(
      () => new RateLimiter({ limits: [{ limit: 1, intervalMs: 1, kind: 'x' } as unknown as RateLimit] }),
    ).toThrow(/kind/);
    expect(() => new RateLimiter({ limits: [{ limit: 1, intervalMs: 1 }], marginMs: -1 })).toThrow(
      /marginMs/,
    );
    const limiter = new RateLimiter({ limits: [{ limit: 3, intervalMs: 1000 }] });
    expect(() => limiter.waitMs(4)).toThrow(RangeError);
    expect(() => limiter.tryAcquire(0.5)).toThrow(RangeError);
  });

  it('execute() waits on its clock before running and reports the proactive wait', async () => {
    const clock = new ManualClock();
    const events = new TypedEmitter<ResilienceEvents>();
    const seen: ResilienceEvents['rate-limited'][] = [];
    events.on('rate-limited', (e) => seen.push(e));
    const limiter = new RateLimiter({
      limits: [{ limit: 1, intervalMs: 1000 }],
      clock,
      events,
      destination: 'hook',
    });
    const ran: number[] = [];
    const run = async (): Promise<number> => ran.push(clock.now());
    await limiter.execute(run);
    const second = limiter.execute(run);
    await clock.advanceAsync(999);
    expect(ran).toHaveLength(1);
    await clock.advanceAsync(1);
    await second;
    expect(ran).toEqual([clock.now() - 1000, clock.now()]);
    expect(seen).toEqual([{ destination: 'hook', waitMs: 1000, source: 'proactive' }]);
  });

  it('execute() rejects with the abort reason while waiting', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limits: [{ limit: 1, intervalMs: 1000 }], clock });
    limiter.tryAcquire();
    const controller = new AbortController();
    const pending = limiter.execute(async () => 'sent', controller.signal);
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
    expect(clock.pendingTimers).toBe(0);
  });
});
