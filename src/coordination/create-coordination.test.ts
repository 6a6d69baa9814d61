import { beforeEach, describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/helpers/cleanups.js';
import { eventually } from '../../test/helpers/coordination.js';
import { REDIS_URL, RedisProxy, requireRedis, testPrefix } from '../../test/helpers/redis.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { DestinationInput } from './create-coordination.js';
import { type Coordination, type CoordinationEvents, createCoordination } from './create-coordination.js';
import type { SharedLimiter } from './ports.js';

let prefix: string;

beforeEach(async () => {
  prefix = testPrefix(await requireRedis());
});

const discord: DestinationInput = {
  target: { type: 'discord', url: 'https://discord.com/api/webhooks/1/secret' },
  limits: [
    { limit: 5, intervalMs: 2_000 },
    { limit: 30, intervalMs: 60_000, sharedBy: 'channel' },
  ],
};

function start(config: Parameters<typeof createCoordination>[0], clock: ManualClock): Coordination {
  const coordination = createCoordination(config, { clock });
  if (!coordination) throw new Error('expected coordination');
  onCleanup(() => coordination.close());
  return coordination;
}

/** Sends granted by `limiter` when asked every 100 ms for `ms` of clock time. */
async function drive(limiter: SharedLimiter, clock: ManualClock, ms: number) {
  let sent = 0;
  for (let t = 0; t < ms; t += 100) {
    if ((await limiter.acquire()) === 0) {
      sent++;
      limiter.complete();
    }
    clock.advance(100);
  }
  return sent;
}

describe('createCoordination', () => {
  it('is off without a coordination section', () => {
    expect(createCoordination(undefined)).toBeUndefined();
  });

  it('without Redis paces each process at its share of the limits', async () => {
    const clock = new ManualClock();
    const coordination = start({ replicas: 4 }, clock);
    expect(coordination.status()).toEqual({ state: 'local', replicas: 4 });
    const { limiter } = coordination.forDestination(discord);
    // 1 per 2 s for each of 4 replicas (4 per 2 s together, inside 5 per 2 s); 7 per minute.
    expect(await drive(limiter, clock, 60_000)).toBe(7);
  });

  it('falls back to its share when Redis is lost mid-run, says so once, and shares again within 5 s of its return', async () => {
    const clock = new ManualClock();
    const proxy = await RedisProxy.start();
    const a = start({ redis: { url: proxy.url, keyPrefix: prefix }, replicas: 2 }, clock);
    const b = start({ redis: { url: REDIS_URL, keyPrefix: prefix }, replicas: 2 }, clock);
    const changes: CoordinationEvents['coordination-state'][] = [];
    a.on('coordination-state', (e) => changes.push(e));
    await eventually(() => a.status().state === 'shared' && b.status().state === 'shared', 5_000);
    // Joining at start is a change too.
    expect(changes.splice(0)).toEqual([{ from: 'fallback', to: 'shared' }]);
    const la = a.forDestination(discord).limiter;
    const lb = b.forDestination(discord).limiter;

    // Shared: together they get exactly the webhook's 5 per 2 s.
    let together = 0;
    for (let t = 0; t < 2_000; t += 100) {
      for (const l of [la, lb]) {
        if ((await l.acquire()) === 0) {
          together++;
          l.complete();
        }
      }
      clock.advance(100);
    }
    expect(together).toBe(5);

    proxy.cut();
    await eventually(() => a.status().state === 'fallback');
    clock.advance(60_000);
    // Alone on local limits: half of each window (2 per 2 s, 15 per minute), whatever the other does.
    const alone = await drive(la, clock, 60_000);
    expect(alone).toBeLessThanOrEqual(15);
    expect(alone).toBeGreaterThanOrEqual(14);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ from: 'shared', to: 'fallback' });
    expect(JSON.stringify(a.status())).not.toContain(proxy.url);

    proxy.restore();
    const back = Date.now();
    await eventually(() => a.status().state === 'shared', 5_000);
    expect(Date.now() - back).toBeLessThan(5_000);
    expect(changes.map((c) => c.to)).toEqual(['fallback', 'shared']);
    clock.advance(60_000);
    const shared = [0, 0];
    for (let t = 0; t < 2_000; t += 100) {
      for (const [i, l] of [la, lb].entries()) {
        if ((await l.acquire()) === 0) {
          shared[i]!++;
          l.complete();
        }
      }
      clock.advance(100);
    }
    expect(shared[0]! + shared[1]!).toBe(5);
  });
});
