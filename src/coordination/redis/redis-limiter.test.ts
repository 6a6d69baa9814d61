import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectForTest } from '../../../test/helpers/coordination.js';
import { keysUnder, requireRedis, testPrefix } from '../../../test/helpers/redis.js';
import { RateLimiter } from '../../resilience/rate-limiter.js';
import { ManualClock } from '../../testing/manual-clock.js';
import type { LimiterPlan, SharedWindow } from '../ports.js';
import type { RedisConnection } from './connection.js';
import { RedisLimiter } from './redis-limiter.js';

let prefix: string;
let admin: Awaited<ReturnType<typeof requireRedis>>;

beforeEach(async () => {
  admin = await requireRedis();
  prefix = testPrefix(admin);
});

function connect(): Promise<RedisConnection> {
  return connectForTest(prefix);
}

function local(plan: LimiterPlan, clock: ManualClock): RateLimiter {
  return new RateLimiter({
    limits: plan.windows.map(({ limit, intervalMs, kind }) => ({
      limit,
      intervalMs,
      kind: kind ?? 'sliding-window',
    })),
    clock,
    marginMs: plan.marginMs ?? 0,
  });
}

async function decide(limiter: RedisLimiter, cost = 1): Promise<number> {
  const answer = await limiter.decide(cost);
  if (!answer.ok) throw new Error('Redis did not answer');
  return answer.value;
}

const windowArb: fc.Arbitrary<SharedWindow> = fc.record({
  limit: fc.integer({ min: 1, max: 6 }),
  intervalMs: fc.integer({ min: 50, max: 5_000 }),
  kind: fc.constantFrom<'sliding-window' | 'token-bucket'>('sliding-window', 'token-bucket'),
  scope: fc.constant('s'),
});

type Op =
  | {
      readonly op: 'send';
      readonly cost: number;
      readonly latencyMs: number;
      readonly rate?: { remaining: number; resetAfterMs: number } | undefined;
      /** When refused: come back after exactly the wait (as a lane does), 1 ms before it, or later. */
      readonly retry: 'exact' | 'early' | 'none';
    }
  | { readonly op: 'pause'; readonly ms: number }
  | { readonly op: 'wait'; readonly ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('send' as const),
      cost: fc.integer({ min: 1, max: 2 }),
      latencyMs: fc.integer({ min: 0, max: 400 }),
      rate: fc.option(
        fc.record({
          remaining: fc.integer({ min: 0, max: 4 }),
          resetAfterMs: fc.integer({ min: 0, max: 3_000 }),
        }),
        { nil: undefined },
      ),
      retry: fc.constantFrom<'exact' | 'early' | 'none'>('exact', 'exact', 'early', 'none'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('pause' as const), ms: fc.integer({ min: 1, max: 2_000 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2_500 }) }),
  },
);

describe('RedisLimiter', () => {
  it('decides exactly as the single-process RateLimiter for any sequence of sends, answers, headers and pauses', async () => {
    const connection = await connect();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(windowArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 30 }),
        fc.array(opArb, { minLength: 5, maxLength: 40 }),
        async (windows, marginMs, ops) => {
          const plan: LimiterPlan = {
            key: `p${++run}`,
            windows: windows.map((w, i) => ({ ...w, scope: `p${run}w${i}` })),
            marginMs,
          };
          const clock = new ManualClock(1_700_000_000_000);
          const single = local(plan, clock);
          const shared = new RedisLimiter(connection, plan, clock);
          const maxCost = Math.min(...windows.map((w) => w.limit));
          for (const step of ops) {
            if (step.op === 'wait') clock.advance(step.ms);
            else if (step.op === 'pause') {
              single.pauseFor(step.ms);
              shared.pauseFor(step.ms);
            } else {
              const cost = Math.min(step.cost, maxCost);
              let expected = single.tryAcquire(cost);
              expect(await decide(shared, cost)).toBe(expected);
              if (expected > 0 && step.retry !== 'none') {
                // Boundaries are where limiters disagree: come back exactly when told, or just before.
                clock.advance(step.retry === 'exact' ? expected : expected - 1);
                expected = single.tryAcquire(cost);
                expect(await decide(shared, cost)).toBe(expected);
              }
              if (expected > 0) continue;
              clock.advance(step.latencyMs);
              single.complete(cost);
              if (step.rate) single.update(step.rate);
              shared.complete(step.rate);
            }
          }
          // The queued operations of the last step are applied with the next decision.
          expect(await decide(shared, 1)).toBe(single.tryAcquire(1));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('is one limiter for every process: interleaved decisions of three processes match one RateLimiter', async () => {
    const plan: LimiterPlan = {
      key: 'discord:1',
      windows: [
        { limit: 5, intervalMs: 2_000, scope: 'discord:1' },
        { limit: 30, intervalMs: 60_000, scope: 'discord-channel:1' },
      ],
    };
    const clock = new ManualClock(1_700_000_000_000);
    const processes = await Promise.all([connect(), connect(), connect()]);
    const limiters = processes.map((c) => new RedisLimiter(c, plan, clock));
    const single = local(plan, clock);
    const granted: number[] = [];
    const start = clock.now();
    for (let i = 0; clock.now() - start < 125_000; i++) {
      const limiter = limiters[i % 3]!;
      const wait = await decide(limiter);
      expect(wait).toBe(single.tryAcquire());
      if (wait === 0) {
        granted.push(clock.now());
        clock.advance(40);
        single.complete();
        limiter.complete({ remaining: 3, resetAfterMs: 1_500 });
        single.update({ remaining: 3, resetAfterMs: 1_500 });
      } else {
        clock.advance(Math.min(wait, 1_500));
      }
    }
    const most = (ms: number) =>
      Math.max(...granted.map((t) => granted.filter((u) => u >= t && u - t < ms).length));
    expect(most(2_000)).toBeLessThanOrEqual(5);
    expect(most(60_000)).toBe(30);
    expect(granted.length).toBeGreaterThanOrEqual(60);
  });

  it('shares a Retry-After pause with every process', async () => {
    const plan: LimiterPlan = {
      key: 'slack:a',
      windows: [{ limit: 10, intervalMs: 1_000, scope: 'slack:a' }],
    };
    const clock = new ManualClock(1_700_000_000_000);
    const [a, b] = [
      new RedisLimiter(await connect(), plan, clock),
      new RedisLimiter(await connect(), plan, clock),
    ];
    expect(await decide(a)).toBe(0);
    a.complete();
    a.pauseFor(3_000);
    // Sent on the next turn even though `a` makes no further decision.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await decide(b)).toBe(3_000);
    clock.advance(3_000);
    expect(await decide(b)).toBe(0);
  });

  it('takes one round trip per send while a backlog exists, the answer riding on the next decision', async () => {
    const plan: LimiterPlan = { key: 'x', windows: [{ limit: 1_000, intervalMs: 1_000, scope: 'x' }] };
    const clock = new ManualClock(1_700_000_000_000);
    const connection = await connect();
    const limiter = new RedisLimiter(connection, plan, clock);
    let sends = 0;
    for (let i = 0; i < 50; i++) {
      if ((await decide(limiter)) !== 0) continue;
      sends++;
      clock.advance(5);
      limiter.complete({ remaining: 900, resetAfterMs: 500 });
    }
    expect(sends).toBe(50);
    expect(limiter.roundTrips).toBe(50);
  });

  it('keeps every key under its prefix, each with a TTL, and lets them expire', async () => {
    const plan: LimiterPlan = {
      key: 'd',
      windows: [
        { limit: 2, intervalMs: 200, scope: 'd' },
        { limit: 2, intervalMs: 200, scope: 'd', kind: 'token-bucket' },
      ],
    };
    const limiter = new RedisLimiter(await connect(), plan, new ManualClock(Date.now()));
    expect(await decide(limiter)).toBe(0);
    limiter.complete({ remaining: 1, resetAfterMs: 100 });
    limiter.pauseFor(100);
    expect(await decide(limiter)).toBeGreaterThan(0);
    const keys = await keysUnder(admin, prefix);
    expect(keys.length).toBe(4);
    for (const key of keys) {
      const ttl = await admin.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(1_300);
    }
  });
});
