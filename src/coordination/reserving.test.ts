import { beforeEach, describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/helpers/cleanups.js';
import { eventually } from '../../test/helpers/coordination.js';
import { REDIS_URL, requireRedis, testPrefix } from '../../test/helpers/redis.js';
import { ManualClock } from '../testing/manual-clock.js';
import { createCoordination, type DestinationInput } from './create-coordination.js';
import { ReservingBreaker } from './reserving-breaker.js';
import { ReservingLimiter } from './reserving-limiter.js';

let prefix: string;

beforeEach(async () => {
  prefix = testPrefix(await requireRedis());
});

const slack: DestinationInput = {
  target: { type: 'slack', url: 'https://hooks.slack.com/services/T/B/secret' },
  limits: [{ limit: 5, intervalMs: 2_000 }],
  breaker: { failureThreshold: 2, recoveryTimeoutMs: 5_000, halfOpenSuccessThreshold: 1, jitterRatio: 0 },
};

async function member(clock: ManualClock, redis = true) {
  const coordination = createCoordination(
    redis ? { redis: { url: REDIS_URL, keyPrefix: prefix }, replicas: 2 } : { replicas: 2 },
    { clock },
  );
  onCleanup(() => coordination!.close());
  if (redis) await eventually(() => coordination!.status().state === 'shared', 5_000);
  const { limiter, breaker } = coordination!.forDestination(slack);
  const wakes = { count: 0 };
  const reserving = new ReservingLimiter(limiter, clock);
  reserving.onDecision(() => wakes.count++);
  const gate = new ReservingBreaker(breaker, clock);
  gate.onDecision(() => wakes.count++);
  return { limiter: reserving, breaker: gate, wakes };
}

/** What a lane does each time it runs: ask, and send when told 0. Returns whether it sent. */
async function turn(m: Awaited<ReturnType<typeof member>>): Promise<boolean> {
  let wait = m.limiter.waitMs();
  if (wait > 0 && wait <= 50) {
    const before = m.wakes.count;
    await eventually(() => m.wakes.count > before);
    wait = m.limiter.waitMs();
  }
  if (wait > 0 || m.limiter.tryAcquire() !== 0) return false;
  m.limiter.complete();
  return true;
}

describe('ReservingLimiter', () => {
  it('gives lanes of several processes exactly the shared limit, each decision made ahead and woken', async () => {
    const clock = new ManualClock();
    const a = await member(clock);
    const b = await member(clock);
    const sent: number[] = [];
    for (let t = 0; t < 6_000; t += 100) {
      for (const m of [a, b]) if (await turn(m)) sent.push(clock.now());
      clock.advance(100);
    }
    // 5 per 2 s over 6 s, shared by both.
    expect(sent).toHaveLength(15);
    expect(Math.max(...sent.map((t) => sent.filter((u) => u >= t && u - t < 2_000).length))).toBe(5);
    expect(a.wakes.count + b.wakes.count).toBeGreaterThan(0);
  });

  it('answers at once on local limits, without asking or waking', async () => {
    const clock = new ManualClock();
    const m = await member(clock, false);
    expect(m.limiter.waitMs()).toBe(0);
    expect(m.limiter.tryAcquire()).toBe(0);
    // Each of 2 replicas gets 2 per 2 s.
    expect(m.limiter.tryAcquire()).toBe(0);
    expect(m.limiter.tryAcquire()).toBeGreaterThan(50);
    expect(m.wakes.count).toBe(0);
  });

  it('pauses at once on a Retry-After and shares the pause', async () => {
    const clock = new ManualClock();
    const a = await member(clock);
    const b = await member(clock);
    expect(await turn(a)).toBe(true);
    a.limiter.pauseFor(3_000);
    expect(a.limiter.waitMs()).toBe(3_000);
    expect(a.limiter.pausedUntil).toBe(clock.now() + 3_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await turn(b)).toBe(false);
    clock.advance(3_001);
    expect(await turn(b)).toBe(true);
  });
});

describe('ReservingBreaker', () => {
  it('hands the half-open probe to exactly one lane of the group, holding it until the lane comes back', async () => {
    const clock = new ManualClock();
    const members = [await member(clock), await member(clock), await member(clock)];
    const seen: string[] = [];
    members[2]!.breaker.subscribe((c) => seen.push(`${c.from}>${c.to}`));
    members[0]!.breaker.onFailure();
    members[0]!.breaker.onFailure();
    await eventually(() => members.every((m) => m.breaker.state === 'open'));
    expect(members[1]!.breaker.acquire()).toMatchObject({
      allowed: false,
      reason: 'open',
      retryAfterMs: 5_000,
    });
    clock.advance(5_000);
    // First ask: everyone is told to come back shortly; the lease answers wake them.
    expect(members.map((m) => m.breaker.acquire().allowed)).toEqual([false, false, false]);
    await eventually(() => members.every((m) => m.wakes.count > 0));
    const gates = members.map((m) => m.breaker.acquire());
    expect(gates.filter((g) => g.allowed && g.probe)).toHaveLength(1);
    const prober = members[gates.findIndex((g) => g.allowed)]!;
    prober.breaker.onSuccess();
    await eventually(() => members.every((m) => m.breaker.state === 'closed'));
    expect(members.map((m) => m.breaker.acquire())).toEqual(
      members.map(() => ({ allowed: true, probe: false })),
    );
  });
});
