import { beforeEach, describe, expect, it } from 'vitest';
import { connectForTest, eventually } from '../../../test/helpers/coordination.js';
import { RedisProxy, requireRedis, testPrefix } from '../../../test/helpers/redis.js';
import { type StreamEntry, StreamQueue } from './stream-queue.js';

let prefix: string;

beforeEach(async () => {
  prefix = testPrefix(await requireRedis());
});

async function replica(
  consumer: string,
  options: { maxLength?: number; maxDeliveries?: number; url?: string } = {},
) {
  const connection = await connectForTest(prefix, options.url);
  return {
    connection,
    queue: new StreamQueue(connection, {
      consumer,
      ...(options.maxLength ? { maxLength: options.maxLength } : {}),
      ...(options.maxDeliveries ? { maxDeliveries: options.maxDeliveries } : {}),
    }),
  };
}

function value<T>(r: { ok: true; value: T } | { ok: false }): T {
  if (!r.ok) throw new Error('Redis did not answer');
  return r.value;
}

describe('StreamQueue', () => {
  it('delivers at least once: entries a crashed consumer held are claimed by another and none is lost', async () => {
    const ingest = await replica('ingest');
    const a = await replica('a');
    const b = await replica('b');
    const payloads = Array.from({ length: 100 }, (_, i) => JSON.stringify({ n: i }));
    const appended = value(await ingest.queue.append(payloads));
    expect('ids' in appended && appended.ids).toHaveLength(100);

    // `a` takes 30 and dies before acknowledging any of them.
    const taken = value(await a.queue.read(30));
    expect(taken).toHaveLength(30);
    await a.connection.close();

    const seen: StreamEntry[] = [];
    for (let batch = value(await b.queue.read(50)); batch.length > 0; batch = value(await b.queue.read(50))) {
      seen.push(...batch);
      value(await b.queue.ack(batch.map((e) => e.id)));
    }
    expect(seen).toHaveLength(70);
    // Not idle long enough yet: nobody takes another consumer's entries early.
    expect(value(await b.queue.claimStale(60_000))).toEqual({ entries: [], dead: [] });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const claimed = value(await b.queue.claimStale(100)).entries;
    expect(claimed.map((e) => e.id)).toEqual(taken.map((e) => e.id));
    value(await b.queue.ack(claimed.map((e) => e.id)));
    seen.push(...claimed);

    expect(new Set(seen.map((e) => e.payload))).toEqual(new Set(payloads));
    expect(value(await b.queue.depth())).toEqual({ length: 0, pending: 0 });
  });

  it("touch keeps a slow consumer's entries from being claimed; untouched ones are claimed", async () => {
    const a = await replica('a');
    const b = await replica('b');
    value(await a.queue.append(['slow', 'stuck']));
    const [slow, stuck] = value(await a.queue.read(2));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(value(await a.queue.touch([slow!.id]))).toBe(1);
    const claimed = value(await b.queue.claimStale(100)).entries;
    expect(claimed.map((e) => e.payload)).toEqual([stuck!.payload]);
    // An acknowledged entry is gone: touching it changes nothing.
    value(await a.queue.ack([slow!.id]));
    expect(value(await a.queue.touch([slow!.id]))).toBe(0);
  });

  it('claims stale entries that sit behind many live ones in the pending list', async () => {
    const live = await replica('live');
    const dead = await replica('dead');
    const rescuer = await replica('rescuer');
    // The dead consumer's entries come last in the pending list, after 300 a live consumer keeps touching.
    value(await live.queue.append(Array.from({ length: 300 }, (_, i) => `live-${i}`)));
    const held = value(await live.queue.read(300));
    value(await dead.queue.append(['lost-0', 'lost-1']));
    value(await dead.queue.read(2));
    await new Promise((resolve) => setTimeout(resolve, 150));
    value(await live.queue.touch(held.map((e) => e.id)));
    const claimed = value(await rescuer.queue.claimStale(100, 10)).entries;
    expect(claimed.map((e) => e.payload)).toEqual(['lost-0', 'lost-1']);
  });

  it('sets an entry aside on the dead-letter stream once Redis gave it out maxDeliveries times', async () => {
    const admin = await requireRedis();
    // Three replicas in turn take the poison entry and die on it (never acknowledge): its first read,
    // then two claims, are its three deliveries.
    const [a, b, c, d] = await Promise.all(['a', 'b', 'c', 'd'].map((n) => replica(n, { maxDeliveries: 3 })));
    value(await a!.queue.append(['poison', 'fine']));
    const [poison, fine] = value(await a!.queue.read(2));
    value(await a!.queue.ack([fine!.id]));
    expect(value(await b!.queue.claimStale(0)).entries.map((e) => e.id)).toEqual([poison!.id]);
    expect(value(await c!.queue.claimStale(0)).entries.map((e) => e.id)).toEqual([poison!.id]);
    const [[, , , delivered]] = (await admin.xpending(a!.queue.key, 'offpath', '-', '+', 10)) as [
      [string, string, number, number],
    ];
    expect(delivered).toBe(3);
    // The fourth would exceed the limit: nobody gets it, it moves to the dead-letter stream.
    expect(value(await d!.queue.claimStale(0))).toEqual({ entries: [], dead: [poison!.id] });
    expect(value(await d!.queue.depth())).toEqual({ length: 0, pending: 0 });
    const dead = await admin.xrange(a!.queue.deadKey, '-', '+');
    expect(dead).toHaveLength(1);
    expect(dead[0]![1]).toEqual([
      'id',
      poison!.id,
      'deliveries',
      '4',
      'reason',
      'redelivery_limit',
      'p',
      'poison',
    ]);
    // Gone for good: no later claim or read brings it back.
    expect(value(await a!.queue.claimStale(0))).toEqual({ entries: [], dead: [] });
    expect(value(await a!.queue.read(10))).toEqual([]);
  });

  it('counts only claims toward maxDeliveries: touching held entries does not', async () => {
    const admin = await requireRedis();
    const a = await replica('a', { maxDeliveries: 2 });
    const b = await replica('b', { maxDeliveries: 2 });
    value(await a.queue.append(['slow']));
    const [slow] = value(await a.queue.read(1));
    for (let i = 0; i < 5; i++) expect(value(await a.queue.touch([slow!.id]))).toBe(1);
    const [[, , , delivered]] = (await admin.xpending(a.queue.key, 'offpath', '-', '+', 10)) as [
      [string, string, number, number],
    ];
    expect(delivered).toBe(1);
    // Its second delivery is still within the limit.
    expect(value(await b.queue.claimStale(0)).entries.map((e) => e.payload)).toEqual(['slow']);
  });

  it('retires a consumer from the group only when it holds nothing', async () => {
    const admin = await requireRedis();
    const a = await replica('a');
    value(await a.queue.append(['x']));
    const [x] = value(await a.queue.read(1));
    expect(value(await a.queue.retire())).toBe(false);
    value(await a.queue.ack([x!.id]));
    expect(value(await a.queue.retire())).toBe(true);
    expect(await admin.xinfo('CONSUMERS', a.queue.key, 'offpath')).toEqual([]);
  });

  it('refuses to grow past maxLength, so a stalled group cannot fill Redis', async () => {
    const { queue } = await replica('x', { maxLength: 5 });
    expect(value(await queue.append(['1', '2', '3']))).toMatchObject({ ids: expect.any(Array) });
    expect(value(await queue.append(['4', '5', '6']))).toEqual({ full: true });
    expect(value(await queue.depth()).length).toBe(3);
  });

  it('answers ok:false at once while Redis is unreachable (the caller keeps its local spool)', async () => {
    const proxy = await RedisProxy.start();
    const { connection, queue } = await replica('y', { url: proxy.url });
    proxy.cut();
    await eventually(() => !connection.up);
    const started = Date.now();
    expect((await queue.append(['a'])).ok).toBe(false);
    expect((await queue.read(1)).ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(100);
    proxy.restore();
    await eventually(() => connection.up, 5_000);
    expect(value(await queue.append(['a']))).toMatchObject({ ids: [expect.any(String)] });
  });
});
