import { beforeEach, describe, expect, it } from 'vitest';
import { closedPort, onCleanup } from '../../../test/helpers/cleanups.js';
import { connectForTest, eventually } from '../../../test/helpers/coordination.js';
import { RedisProxy, requireRedis, testPrefix } from '../../../test/helpers/redis.js';
import { type ConnectionEvents, RedisConnection } from './connection.js';

let prefix: string;

beforeEach(async () => {
  prefix = testPrefix(await requireRedis());
});

function record(connection: RedisConnection) {
  const log: Array<['up', ConnectionEvents['up']] | ['down', ConnectionEvents['down']]> = [];
  connection.on('up', (e) => log.push(['up', e]));
  connection.on('down', (e) => log.push(['down', e]));
  return log;
}

describe('RedisConnection', () => {
  it('says once that Redis is down however many commands fail, and rejoins within a second of its return', async () => {
    const proxy = await RedisProxy.start();
    const connection = await connectForTest(prefix, proxy.url);
    const log = record(connection);
    proxy.cut();
    for (let i = 0; i < 50; i++) await connection.run((c) => c.ping());
    await eventually(() => !connection.up);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(log.filter(([type]) => type === 'down')).toHaveLength(1);
    expect(connection.health()).toMatchObject({ state: 'down', outages: 1 });

    proxy.restore();
    const back = Date.now();
    await eventually(() => connection.up, 5_000);
    expect(Date.now() - back).toBeLessThan(1_500);
    expect(log.map(([type]) => type)).toEqual(['down', 'up']);
    expect(log[1]![1]).toMatchObject({ rejoined: true });
    expect((await connection.run((c) => c.ping())).ok).toBe(true);
  });

  it('treats a Redis that stops answering as down within the command timeout, and fails fast meanwhile', async () => {
    const proxy = await RedisProxy.start();
    const connection = await connectForTest(prefix, proxy.url);
    proxy.stall();
    const started = Date.now();
    expect((await connection.run((c) => c.ping())).ok).toBe(false);
    // The default command timeout is 1 s.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(connection.state).toBe('down');
    // Nothing queues while down: a thousand calls answer at once, none waits for Redis.
    const burst = Date.now();
    const answers = await Promise.all(Array.from({ length: 1_000 }, () => connection.run((c) => c.ping())));
    expect(answers.every((a) => !a.ok)).toBe(true);
    expect(Date.now() - burst).toBeLessThan(200);
    proxy.restore();
    await eventually(() => connection.up, 5_000);
  });

  it('starts down when Redis is unreachable from the start, without throwing, and names no password', async () => {
    const port = await closedPort();
    const connection = new RedisConnection({
      url: `redis://user:s3cret-pass@127.0.0.1:${port}`,
      keyPrefix: prefix,
    });
    onCleanup(() => connection.close());
    const log = record(connection);
    await eventually(() => connection.state === 'down');
    expect(log).toHaveLength(1);
    expect(JSON.stringify(connection.health())).not.toContain('s3cret');
    expect(JSON.stringify(log)).not.toContain('s3cret');
    expect((await connection.run((c) => c.ping())).ok).toBe(false);
  });
});
