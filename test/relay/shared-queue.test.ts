import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OffpathConfig, ValidConfig } from '../../src/config/config-schema.js';
import { loadConfigFile } from '../../src/config/load-config-file.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { startRelay } from '../../src/relay/start-relay.js';
import { eventually } from '../helpers/coordination.js';
import { REDIS_URL, RedisProxy, requireRedis, testPrefix } from '../helpers/redis.js';
import { startTestRelay } from '../helpers/relay.js';

let prefix: string;
let admin: Awaited<ReturnType<typeof requireRedis>>;

beforeEach(async () => {
  admin = await requireRedis();
  prefix = testPrefix(admin);
});

const shared = (url = REDIS_URL, queue: Record<string, unknown> = {}): Partial<OffpathConfig> => ({
  coordination: { redis: { url, keyPrefix: prefix } },
  server: { queue: { type: 'redis', claimAfterMs: 1_000, ...queue } },
});

async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

const message = (item: unknown): string => String((item as { message?: unknown }).message ?? '');

const events = (n: number, tag: string) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ message: `${tag}-${i}` })));

describe('relay queue on a Redis stream', () => {
  it('appends what ingest accepts, delivers it, and acknowledges it: the stream ends empty', async () => {
    const lines: string[] = [];
    const { relay, collector, post } = await startTestRelay(shared(), { log: (l) => lines.push(l) });
    await eventually(() => lines.some((l) => l.includes('relay queue: on the Redis stream')), 5_000);
    const res = await post('/v1/events', events(50, 's'));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 50, refused: 0 });
    await eventually(() => collector.items().length === 50, 10_000, 'the 50 deliveries');
    await eventually(async () => (await admin.xlen(`${prefix}q:relay`)) === 0, 5_000, 'an empty stream');
    expect(await metric(relay.url, 'offpath_relay_queue_appended_total')).toBe(50);
    expect(await metric(relay.url, 'offpath_relay_queue_acknowledged_total')).toBe(50);
    expect(await metric(relay.url, 'offpath_relay_queue_local_total')).toBe(0);
    expect(await metric(relay.url, 'offpath_relay_queue_length')).toBe(0);
    expect(await metric(relay.url, 'offpath_relay_queue_state{state="shared"}')).toBe(1);
    expect(await (await fetch(`${relay.url}/readyz`)).json()).toEqual({
      ready: true,
      reasons: {},
      details: { 'relay-queue': `shared: on the Redis stream ${prefix}q:relay` },
    });
    expect(new Set(collector.items().map((i) => (i as { message: string }).message)).size).toBe(50);
    // A clean stop with nothing pending leaves no consumer behind in the group.
    await relay.shutdown();
    expect(await admin.xinfo('CONSUMERS', `${prefix}q:relay`, 'offpath')).toEqual([]);
  });

  it('acknowledges an entry that is not an event without delivering it', async () => {
    const lines: string[] = [];
    const { relay, collector, post } = await startTestRelay(shared(), { log: (l) => lines.push(l) });
    await eventually(() => lines.some((l) => l.includes('relay queue: on the Redis stream')), 5_000);
    await admin.xadd(`${prefix}q:relay`, '*', 'p', 'not an event');
    expect((await post('/v1/events', events(1, 'after'))).status).toBe(202);
    await eventually(async () => (await admin.xlen(`${prefix}q:relay`)) === 0, 5_000, 'an empty stream');
    expect(await metric(relay.url, 'offpath_relay_queue_unreadable_total')).toBe(1);
    expect(collector.items().map((i) => (i as { message: string }).message)).toEqual(['after-0']);
  });

  it('starts while Redis is down, takes events locally, and joins the stream when Redis answers', async () => {
    const proxy = await RedisProxy.start();
    proxy.cut();
    const lines: string[] = [];
    const { relay, collector, post } = await startTestRelay(shared(proxy.url), { log: (l) => lines.push(l) });
    await eventually(() => lines.some((l) => l.includes('relay queue: Redis unavailable')), 5_000);
    expect((await post('/v1/events', events(3, 'early'))).status).toBe(202);
    expect(await metric(relay.url, 'offpath_relay_queue_local_total')).toBe(3);
    proxy.restore();
    await eventually(() => lines.some((l) => l.includes('relay queue: on the Redis stream')), 10_000);
    expect((await post('/v1/events', events(3, 'joined'))).status).toBe(202);
    expect(await metric(relay.url, 'offpath_relay_queue_appended_total')).toBe(3);
    await eventually(
      () =>
        collector.items().filter((i) => /^(early|joined)-/.test(String((i as { message?: string }).message)))
          .length === 6,
      10_000,
      'all six deliveries',
    );
  });

  it('acknowledges an entry only once its delivery settled: until then it stays pending on the stream', async () => {
    const lines: string[] = [];
    const { relay, collector, post } = await startTestRelay(shared(), { log: (l) => lines.push(l) });
    collector.faults.latencyMs = 2_000;
    await eventually(() => lines.some((l) => l.includes('relay queue: on the Redis stream')), 5_000);
    expect((await post('/v1/events', events(5, 'p'))).status).toBe(202);
    await eventually(async () => (await metric(relay.url, 'offpath_relay_queue_held')) === 5, 5_000, 'held');
    // The collector has the events but has not answered yet: the delivery has not settled.
    await eventually(() => collector.items().length === 5, 5_000, 'the requests at the collector');
    const [pending] = (await admin.xpending(`${prefix}q:relay`, 'offpath')) as [number];
    expect(pending).toBe(5);
    expect(await admin.xlen(`${prefix}q:relay`)).toBe(5);
    await eventually(async () => (await admin.xlen(`${prefix}q:relay`)) === 0, 5_000, 'the acknowledgements');
    expect(await metric(relay.url, 'offpath_relay_queue_held')).toBe(0);
  });

  it('on shutdown leaves what the deadline cut off pending, and another replica claims and delivers it', async () => {
    const lines: string[] = [];
    const a = await startTestRelay({ ...shared(), closeTimeoutMs: 200 }, { log: (l) => lines.push(l) });
    a.collector.faults.latencyMs = 5_000;
    await eventually(() => lines.some((l) => l.includes('relay queue: on the Redis stream')), 5_000);
    expect((await a.post('/v1/events', events(20, 'cut'))).status).toBe(202);
    await eventually(
      async () => (await metric(a.relay.url, 'offpath_relay_queue_held')) === 20,
      5_000,
      'held',
    );
    await a.relay.shutdown();
    // Nothing settled: all 20 are still on the stream, pending under the stopped replica.
    expect(await admin.xlen(`${prefix}q:relay`)).toBe(20);
    const b = await startTestRelay(shared());
    await eventually(() => b.collector.items().length >= 20, 10_000, 'the claimed deliveries');
    const got = new Set(b.collector.items().map((i) => (i as { message: string }).message));
    expect(Array.from({ length: 20 }, (_, i) => `cut-${i}`).filter((m) => !got.has(m))).toEqual([]);
    expect(await metric(b.relay.url, 'offpath_relay_queue_claimed_total')).toBe(20);
    await eventually(async () => (await admin.xlen(`${prefix}q:relay`)) === 0, 5_000, 'an empty stream');
  });

  it('sets aside an entry given out maxDeliveries times: on the dead stream, never delivered, counted', async () => {
    const key = `${prefix}q:relay`;
    // Two replicas took the entry and died on it, one after the other: its first read and one claim.
    await admin.xgroup('CREATE', key, 'offpath', '0', 'MKSTREAM');
    const id = String(await admin.xadd(key, '*', 'p', JSON.stringify({ message: 'poison' })));
    await admin.xreadgroup('GROUP', 'offpath', 'crashed-1', 'COUNT', 1, 'STREAMS', key, '>');
    await admin.xclaim(key, 'offpath', 'crashed-2', 0, id, 'IDLE', 60_000);
    const [[, , , delivered]] = (await admin.xpending(key, 'offpath', '-', '+', 1)) as [
      [string, string, number, number],
    ];
    expect(delivered).toBe(2);

    const lines: string[] = [];
    const { relay, collector, post } = await startTestRelay(shared(REDIS_URL, { maxDeliveries: 2 }), {
      log: (l) => lines.push(l),
    });
    await eventually(async () => (await admin.xlen(`${key}:dead`)) === 1, 5_000, 'the dead-letter entry');
    const [[, fields]] = (await admin.xrange(`${key}:dead`, '-', '+')) as [[string, string[]]];
    expect(fields).toEqual([
      'id',
      id,
      'deliveries',
      '3',
      'reason',
      'redelivery_limit',
      'p',
      '{"message":"poison"}',
    ]);
    expect(await admin.xlen(key)).toBe(0);
    expect(await metric(relay.url, 'offpath_relay_queue_dead_total')).toBe(1);
    expect(await metric(relay.url, 'offpath_relay_queue_claimed_total')).toBe(0);
    expect(lines.filter((l) => l.includes(`(${id}) given out 2 times without settling`))).toHaveLength(1);

    // The replica goes on delivering; the entry set aside never reaches the destination.
    expect((await post('/v1/events', events(3, 'after'))).status).toBe(202);
    await eventually(() => collector.items().filter((i) => /^after-/.test(message(i))).length === 3, 5_000);
    await eventually(
      () => collector.items().some((i) => message(i).includes('were given out 2 times')),
      5_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(collector.items().filter((i) => message(i) === 'poison')).toEqual([]);
    expect(await metric(relay.url, 'offpath_relay_queue_dead_total')).toBe(1);
  });

  it('answers 503 with Retry-After and accepts nothing once the stream holds maxLength entries', async () => {
    const lines: string[] = [];
    const { collector, post } = await startTestRelay(shared(REDIS_URL, { maxLength: 5 }), {
      log: (l) => lines.push(l),
    });
    // Deliveries stay in flight, so their entries stay in the stream.
    collector.faults.latencyMs = 3_000;
    await eventually(() => lines.some((l) => l.includes('relay queue: on the Redis stream')), 5_000);
    expect((await post('/v1/events', events(4, 'a'))).status).toBe(202);
    const full = await post('/v1/events', events(2, 'b'));
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('1');
    expect(await full.text()).toContain('maximum of 5 entries');
    expect(await admin.xlen(`${prefix}q:relay`)).toBe(4);
  });

  it('while Redis is unavailable takes batches into this process and its spool, says so, and rejoins', async () => {
    const proxy = await RedisProxy.start();
    const lines: string[] = [];
    const { relay, collector, post } = await startTestRelay(
      (dataDir) => ({ ...shared(proxy.url), spool: { path: `${dataDir}/spool.db`, durable: true } }),
      { log: (l) => lines.push(l) },
    );
    await eventually(() => lines.some((l) => l.includes('relay queue: on the Redis stream')), 5_000);
    proxy.cut();
    await eventually(() => lines.some((l) => l.includes('relay queue: Redis unavailable')), 5_000);
    expect(await metric(relay.url, 'offpath_relay_queue_state{state="fallback"}')).toBe(1);
    // Unknown while Redis is away: the scrape does not wait for it.
    expect(await metric(relay.url, 'offpath_relay_queue_length')).toBeNaN();
    // Still ready (it takes and delivers events locally), and /readyz says in which mode.
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      details: { 'relay-queue': expect.stringMatching(/^fallback: Redis unavailable; .*\(still ready\)$/) },
    });
    const res = await post('/v1/events', events(10, 'local'));
    expect(res.status).toBe(202);
    expect(await metric(relay.url, 'offpath_relay_queue_local_total')).toBe(10);
    await eventually(
      () =>
        collector.items().filter((i) => String((i as { message?: string }).message).startsWith('local-'))
          .length === 10,
      10_000,
      'the events taken locally',
    );
    // The alert says so on the destinations too.
    await eventually(
      () =>
        collector
          .items()
          .some((i) => (i as { title?: string }).title?.includes('shared queue unavailable') === true),
      10_000,
    );
    proxy.restore();
    await eventually(
      () => lines.filter((l) => l.includes('relay queue: on the Redis stream')).length === 2,
      10_000,
    );
    expect((await post('/v1/events', events(5, 'back'))).status).toBe(202);
    expect(await metric(relay.url, 'offpath_relay_queue_appended_total')).toBe(5);
    await eventually(async () => (await admin.xlen(`${prefix}q:relay`)) === 0, 10_000, 'an empty stream');
  });

  it('the replicas example config is valid and turns the shared queue on', () => {
    const path = fileURLToPath(new URL('../../examples/serve/replicas.config.yaml', import.meta.url));
    const config = loadConfigFile(path, {
      DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/x',
      REDIS_URL,
      OFFPATH_TOKEN: 'example-token-0123456789',
    });
    expect(config.server?.queue?.type).toBe('redis');
    expect(config.coordination?.redis?.url).toBe(REDIS_URL);
  });

  it("refuses server.queue.type 'redis' without coordination.redis at validation, as offpath check does", async () => {
    const config = {
      destinations: [{ name: 'c', type: 'console' }],
      server: { port: 0, queue: { type: 'redis' } },
    } as const;
    const issue = {
      path: 'server.queue.type',
      message: "'redis' needs coordination.redis, the Redis the replicas share",
      hint: "add coordination: { redis: { url: 'redis://…' } }, or use type 'local'",
    };
    expect(() => validateConfig(config)).toThrow(expect.objectContaining({ issues: [issue] }));
    // A relay handed such a config unvalidated refuses it with the same issue, before opening anything.
    await expect(startRelay({ config: config as unknown as ValidConfig })).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      issues: [issue],
    });
  });
});
