import { beforeEach, describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/helpers/cleanups.js';
import { connectForTest, eventually } from '../../test/helpers/coordination.js';
import { RedisProxy, requireRedis, testPrefix } from '../../test/helpers/redis.js';
import type { CircuitBreakerOptions } from '../resilience/circuit-breaker.js';
import { ManualClock } from '../testing/manual-clock.js';
import { FailoverBreaker } from './failover-breaker.js';
import type { RedisConnection } from './redis/connection.js';

let prefix: string;

beforeEach(async () => {
  prefix = testPrefix(await requireRedis());
});

const options = (clock: ManualClock): CircuitBreakerOptions => ({
  failureThreshold: 3,
  recoveryTimeoutMs: 10_000,
  halfOpenSuccessThreshold: 2,
  jitterRatio: 0,
  probeTimeoutMs: 60_000,
  clock,
});

async function group(n: number, clock: ManualClock, extra: Partial<CircuitBreakerOptions> = {}) {
  const breakers: FailoverBreaker[] = [];
  for (let i = 0; i < n; i++) {
    const connection = await connectForTest(prefix);
    const breaker = new FailoverBreaker(connection, 'discord:42', { ...options(clock), ...extra });
    onCleanup(() => breaker.close());
    breakers.push(breaker);
  }
  return breakers;
}

describe('FailoverBreaker', () => {
  it('opens in every process when one trips, and lets exactly one of them probe at a time', async () => {
    const clock = new ManualClock();
    const [a, b, c, d] = await group(4, clock);
    for (let i = 0; i < 3; i++) a!.onFailure(false);
    await eventually(() => [a, b, c, d].every((x) => x!.state === 'open'));
    expect(await b!.acquire()).toMatchObject({ allowed: false, reason: 'open', retryAfterMs: 10_000 });

    clock.advance(10_000);
    const gates = await Promise.all([a, b, c, d].map((x) => x!.acquire()));
    expect(gates.filter((g) => g.allowed && g.probe)).toHaveLength(1);
    expect(gates.filter((g) => !g.allowed && g.reason === 'half-open')).toHaveLength(3);
    // Asking again while the probe is out changes nothing.
    const again = await Promise.all([a, b, c, d].map((x) => x!.acquire()));
    expect(again.filter((g) => g.allowed)).toHaveLength(0);

    // The probe fails: open again everywhere, for twice as long.
    const prober = [a, b, c, d][gates.findIndex((g) => g.allowed)]!;
    prober.onFailure(true);
    await eventually(() => [a, b, c, d].every((x) => x!.state === 'open'));
    expect(await c!.acquire()).toMatchObject({ allowed: false, reason: 'open', retryAfterMs: 20_000 });
  });

  it('closes everywhere after the prober reports enough successes; others never probed meanwhile', async () => {
    const clock = new ManualClock();
    const breakers = await group(4, clock);
    for (let i = 0; i < 3; i++) breakers[2]!.onFailure(false);
    await eventually(() => breakers.every((x) => x.state === 'open'));
    clock.advance(10_000);
    let probesAtOnce = 0;
    for (let round = 0; round < 2; round++) {
      let prober = -1;
      // The previous verdict lands asynchronously; until it does, everyone is told to wait.
      await eventually(async () => {
        const gates = await Promise.all(breakers.map((x) => x.acquire()));
        const probes = gates.map((g, i) => (g.allowed && g.probe ? i : -1)).filter((i) => i >= 0);
        probesAtOnce = Math.max(probesAtOnce, probes.length);
        prober = probes[0] ?? -1;
        return prober >= 0;
      });
      breakers[prober]!.onSuccess(true);
    }
    await eventually(() => breakers.every((x) => x.state === 'closed'));
    expect(probesAtOnce).toBe(1);
    const gates = await Promise.all(breakers.map((x) => x.acquire()));
    expect(gates.every((g) => g.allowed && !g.probe)).toBe(true);
  });

  it('frees the lease of a prober that died once it expires, so another process probes', async () => {
    const clock = new ManualClock();
    const [a, b] = await group(2, clock, { probeTimeoutMs: 300 });
    for (let i = 0; i < 3; i++) a!.onFailure(false);
    await eventually(() => b!.state === 'open');
    clock.advance(10_000);
    expect(await a!.acquire()).toEqual({ allowed: true, probe: true });
    // `a` never reports (it crashed). The lease expires on Redis's own clock.
    const refused = await b!.acquire();
    expect(refused).toMatchObject({ allowed: false, reason: 'half-open' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await b!.acquire()).toEqual({ allowed: true, probe: true });
  });

  it('disables the destination in every process once one finds it gone, and re-enables it everywhere', async () => {
    const clock = new ManualClock();
    const [a, b, c] = await group(3, clock);
    b!.markGone('ERR_DESTINATION_GONE: Discord 404 (code 10015)');
    await eventually(() => a!.gone !== undefined && c!.gone !== undefined);
    expect(a!.gone).toBe('ERR_DESTINATION_GONE: Discord 404 (code 10015)');
    // A process that starts later learns it too.
    const [late] = await group(1, clock);
    await eventually(() => late!.gone !== undefined);
    a!.reset();
    await eventually(() => [a, b, c, late].every((x) => x!.gone === undefined));
  });

  it('decides locally while Redis is unreachable and rejoins the shared circuit when it is back', async () => {
    const clock = new ManualClock();
    const proxy = await RedisProxy.start();
    const connection: RedisConnection = await connectForTest(prefix, proxy.url);
    const cut = new FailoverBreaker(connection, 'discord:42', options(clock));
    onCleanup(() => cut.close());
    const [other] = await group(1, clock);

    proxy.cut();
    await eventually(() => !connection.up);
    for (let i = 0; i < 3; i++) cut.onFailure(false);
    // The local breaker tripped; the group's circuit did not hear of it.
    expect(cut.state).toBe('open');
    expect(await cut.acquire()).toMatchObject({ allowed: false, reason: 'open' });
    expect(other!.state).toBe('closed');
    cut.markGone('ERR_AUTHENTICATION: Discord 401 (code 50027)');

    proxy.restore();
    await eventually(() => connection.up, 5_000);
    // Back on the shared state, and what it found while away was announced to the others.
    await eventually(() => other!.gone === 'ERR_AUTHENTICATION: Discord 401 (code 50027)');
    expect(cut.state).toBe('closed');
  });
});
