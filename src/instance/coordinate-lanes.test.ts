import { Registry } from 'prom-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { onCleanup, track } from '../../test/helpers/cleanups.js';
import { eventually } from '../../test/helpers/coordination.js';
import { REDIS_URL, RedisProxy, requireRedis, testPrefix } from '../../test/helpers/redis.js';
import type { OffpathConfig } from '../config/config-schema.js';
import { registerInstanceMetrics } from '../server/instance-metrics.js';
import { memorySink } from '../sinks/memory-sink.js';
import { startDiscordEmulator } from '../testing/index.js';
import { ManualClock } from '../testing/manual-clock.js';
import { createOffpath, type Offpath } from './create-offpath.js';
import type { DeliveryTap } from './delivery-tap.js';

let prefix: string;

beforeEach(async () => {
  prefix = testPrefix(await requireRedis());
});

function instance(config: OffpathConfig): Offpath {
  const offpath = createOffpath(config);
  onCleanup(() => offpath.close({ timeoutMs: 1_000 }));
  return offpath;
}

describe('an instance with a coordination section', () => {
  it('reports nothing about coordination without the section', () => {
    const offpath = instance({ destinations: [{ name: 'm', type: 'memory' }] });
    expect(offpath.health().coordination).toBeUndefined();
  });

  it('paces each lane at its share of the limits with the replicas hint alone (no Redis)', async () => {
    const clock = new ManualClock(0);
    const sink = memorySink({ maxBatchSize: 1 });
    const offpath = createOffpath(
      {
        destinations: [
          {
            name: 'd',
            type: 'custom',
            sink,
            rateLimits: [{ limit: 4, intervalMs: 1_000 }],
            batch: { maxSize: 1 },
          },
        ],
        coordination: { replicas: 2 },
      },
      { clock },
    );
    expect(offpath.health().coordination).toMatchObject({ state: 'local', replicas: 2 });
    for (let i = 0; i < 6; i++) offpath.emit({ message: `m${i}`, fingerprint: `f${i}` });
    await clock.advanceAsync(10);
    // Half of 4 per second: two now, two more a second later.
    expect(sink.batches).toHaveLength(2);
    await clock.advanceAsync(1_000);
    expect(sink.batches).toHaveLength(4);
    const closed = offpath.close({ timeoutMs: 100 });
    await clock.advanceAsync(200);
    await closed;
  });

  it('disables a destination in every process once one finds it gone, and enable() clears it everywhere', async () => {
    const discord = await track(startDiscordEmulator());
    const hook = discord.createWebhook();
    const config: OffpathConfig = {
      destinations: [{ name: 'ops', type: 'discord', url: hook.url }],
      coordination: { redis: { url: REDIS_URL, keyPrefix: prefix }, replicas: 2 },
    };
    const a = instance(config);
    const b = instance(config);
    await eventually(() => [a, b].every((o) => o.health().coordination?.state === 'shared'), 5_000);
    const enabledInA: string[] = [];
    a.on('destination-enabled', (e) => enabledInA.push(e.destination));
    discord.deleteWebhook(hook.id);
    a.emit({ level: 'error', title: 'first' });
    await eventually(() => a.stats().destinations['ops']?.state === 'disabled', 5_000);
    // b never sent anything: it learnt it from a.
    await eventually(() => b.stats().destinations['ops']?.state === 'disabled', 5_000);
    expect(discord.received.filter((r) => r.path.includes(hook.id))).toHaveLength(1);
    expect(b.enable('ops')).toBe(true);
    await eventually(() => a.stats().destinations['ops']?.state === 'active', 5_000);
    expect(enabledInA).toEqual(['ops']);
  });

  it('shows its state on /metrics, and nothing about it without the section', async () => {
    const coordinated = new Registry();
    registerInstanceMetrics(
      coordinated,
      instance({ destinations: [{ name: 'm', type: 'memory' }], coordination: { replicas: 2 } }),
    );
    const text = await coordinated.metrics();
    expect(text).toContain('offpath_coordination_state{state="local"} 1');
    expect(text).toContain('offpath_coordination_state{state="shared"} 0');
    const alone = new Registry();
    registerInstanceMetrics(alone, instance({ destinations: [{ name: 'm', type: 'memory' }] }));
    expect(await alone.metrics()).not.toContain('offpath_coordination_state{');
  });

  it('flush() waits for first occurrences held while their shared cooldown claims are out', async () => {
    const discord = await track(startDiscordEmulator());
    const hook = discord.createWebhook();
    const offpath = instance({
      destinations: [{ name: 'ops', type: 'discord', url: hook.url }],
      coordination: { redis: { url: REDIS_URL, keyPrefix: prefix } },
    });
    await eventually(() => offpath.health().coordination?.state === 'shared', 5_000);
    for (let i = 0; i < 3; i++) offpath.emit({ level: 'error', title: `e${i}`, fingerprint: `f${i}` });
    const result = await offpath.flush({ timeoutMs: 5_000 });
    expect(result.complete).toBe(true);
    expect(offpath.stats().destinations['ops']).toMatchObject({ accepted: 3, delivered: 3, pending: 0 });
    expect(discord.messages()).toHaveLength(1);
  });

  it('does not settle a followed first occurrence while Redis is slow to answer its claim', async () => {
    const proxy = await RedisProxy.start();
    const sink = memorySink();
    const heard: string[] = [];
    const followed = new Set<unknown>();
    const tap: DeliveryTap = {
      follows: (event) => followed.has(event),
      settled: () => heard.push('settled'),
      released: () => heard.push('released'),
    };
    const offpath = createOffpath(
      {
        destinations: [
          { name: 'ops', type: 'custom', sink, batch: { maxDelayMs: 1 }, noise: { cooldownMs: 60_000 } },
        ],
        coordination: { redis: { url: proxy.url, keyPrefix: prefix, commandTimeoutMs: 5_000 } },
      },
      { tap },
    );
    onCleanup(() => offpath.close({ timeoutMs: 1_000 }));
    await eventually(() => offpath.health().coordination?.state === 'shared', 5_000);
    proxy.stall();
    const event = { level: 'error' as const, title: 'payment failed', fingerprint: 'held-claim' };
    followed.add(event);
    offpath.emit(event);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The claim is out: the event is owed, not acknowledged (a crash now must leave it in the stream).
    expect(heard).toEqual([]);
    expect(offpath.stats().destinations['ops']).toMatchObject({ accepted: 1, pending: 1 });
    // Redis answers again (the stalled claim fails over to the local store): it is sent, then settled once.
    proxy.restore();
    await eventually(() => heard.length > 0, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual(['settled']);
    expect(sink.records.map((r) => r.title)).toEqual(['payment failed']);
    expect(offpath.stats().destinations['ops']).toMatchObject({ accepted: 1, delivered: 1, pending: 0 });
  });

  it('refuses a reload that changes the coordination section (a restart applies it)', () => {
    const offpath = instance({
      destinations: [{ name: 'm', type: 'memory' }],
      coordination: { replicas: 2 },
    });
    expect(() =>
      offpath.reconfigure({ destinations: [{ name: 'm', type: 'memory' }], coordination: { replicas: 3 } }),
    ).toThrow(/coordination/);
  });
});
