import { beforeEach, describe, expect, it } from 'vitest';
import { connectForTest, eventually } from '../../test/helpers/coordination.js';
import { keysUnder, RedisProxy, requireRedis, testPrefix } from '../../test/helpers/redis.js';
import { FailoverNoise } from './failover-noise.js';
import { LocalNoise } from './local-noise.js';
import type { SharedNoise } from './ports.js';
import type { RedisConnection } from './redis/connection.js';
import { RedisNoiseStore } from './redis/noise-store.js';

let prefix: string;
let admin: Awaited<ReturnType<typeof requireRedis>>;

beforeEach(async () => {
  admin = await requireRedis();
  prefix = testPrefix(admin);
});

async function processes(n: number, url?: string): Promise<FailoverNoise[]> {
  const out: FailoverNoise[] = [];
  for (let i = 0; i < n; i++) out.push(await oneProcess(`p${i}`, url));
  return out;
}

async function oneProcess(owner: string, url?: string, onConnection?: (c: RedisConnection) => void) {
  const connection = await connectForTest(prefix, url);
  onConnection?.(connection);
  return new FailoverNoise(new RedisNoiseStore(connection, 'discord:7', owner), connection);
}

const T0 = 1_700_000_000_000;

/** The claim / contribute / close rules, whichever store keeps them. */
async function oneWindow(stores: readonly SharedNoise[]): Promise<void> {
  const claims = await Promise.all(stores.map((s) => s.claim(['GET /x → 503'], 60_000, T0)));
  const owners = claims.map((c) => c[0]!.owner);
  expect(owners.filter(Boolean)).toHaveLength(1);
  expect(claims.every((c) => c[0]!.until === T0 + 60_000)).toBe(true);
  const owner = stores[owners.indexOf(true)]!;
  for (const [i, s] of stores.entries()) {
    if (s === owner) continue;
    expect(
      await s.contribute('GET /x → 503', {
        count: 10 * (i + 1),
        firstTime: T0 + i,
        lastTime: T0 + 100 * i,
        level: i === 2 ? 'critical' : 'error',
      }),
    ).toBe(true);
  }
  const tally = await owner.close('GET /x → 503');
  const others = stores.map((_, i) => i).filter((i) => stores[i] !== owner);
  expect(tally?.count).toBe(others.reduce((n, i) => n + 10 * (i + 1), 0));
  expect(tally?.firstTime).toBe(T0 + Math.min(...others));
  expect(tally?.lastTime).toBe(T0 + 100 * Math.max(...others));
  // Too late: the digest went out; the caller reports these itself.
  expect(
    await stores[others[0]!]!.contribute('GET /x → 503', {
      count: 1,
      firstTime: T0,
      lastTime: T0,
      level: 'error',
    }),
  ).toBe(false);
  // The next occurrence starts a new window.
  expect((await owner.claim(['GET /x → 503'], 60_000, T0 + 61_000))[0]).toEqual({
    owner: true,
    until: T0 + 121_000,
  });
}

describe('shared noise', () => {
  it('across four processes: one owner per fingerprint, and its close takes the sum of the others', async () => {
    const stores = await processes(4);
    await oneWindow(stores);
  });

  it('keeps the same rules in one process without Redis', async () => {
    const local = new LocalNoise();
    const claims = await local.claim(['a', 'a', 'b'], 1_000, T0);
    expect(claims.map((c) => c.owner)).toEqual([true, false, true]);
    expect(await local.contribute('a', { count: 3, firstTime: T0, lastTime: T0 + 5, level: 'warn' })).toBe(
      true,
    );
    expect(await local.close('a')).toEqual({ count: 3, firstTime: T0, lastTime: T0 + 5, level: 'warn' });
    expect(await local.contribute('a', { count: 1, firstTime: T0, lastTime: T0, level: 'warn' })).toBe(false);
  });

  it('claims many fingerprints in one round trip and keeps only hashed keys with a TTL', async () => {
    const [store] = await processes(1);
    const fingerprints = Array.from({ length: 200 }, (_, i) => `error|user ${i} failed <secret-ish text>`);
    const claims = await store!.claim(fingerprints, 5_000, T0);
    expect(claims.every((c) => c.owner)).toBe(true);
    const keys = await keysUnder(admin, prefix);
    expect(keys).toHaveLength(200);
    expect(keys.every((k) => /nz:discord:7:[0-9a-f]{24}$/.test(k))).toBe(true);
    const ttl = await admin.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(30_000);
    expect(ttl).toBeLessThanOrEqual(35_000);
  });

  it('falls back to the local store while Redis is cut, and shares again once it is back', async () => {
    const proxy = await RedisProxy.start();
    let connection: RedisConnection | undefined;
    const cut = await oneProcess('cut', proxy.url, (c) => {
      connection = c;
    });
    const other = await oneProcess('other');
    proxy.cut();
    await eventually(() => connection?.up === false);
    // While away, its claims are its own: it owns a window the group does not know of.
    expect((await cut.claim(['k'], 60_000, T0))[0]!.owner).toBe(true);
    expect((await other.claim(['k'], 60_000, T0))[0]!.owner).toBe(true);
    proxy.restore();
    await eventually(() => connection?.up === true, 5_000);
    await oneWindow([cut, other]);
  });
});
