/**
 * Coordination test helpers: a Redis connection that is up (or the test fails), closed after the test,
 * and polling for state that another connection changes asynchronously.
 */
import { RedisConnection } from '../../src/coordination/redis/connection.js';
import { onCleanup } from './cleanups.js';
import { REDIS_URL } from './redis.js';

/** A connection under `prefix`, waited for until it is up (5 s at most), closed after the test. */
export async function connectForTest(prefix: string, url = REDIS_URL): Promise<RedisConnection> {
  const connection = new RedisConnection({ url, keyPrefix: prefix, reconnectIntervalMs: 100 });
  onCleanup(() => connection.close());
  await eventually(() => connection.up, 5_000, `Redis connection to ${url} did not come up`);
  return connection;
}

/** Polls `check` every 10 ms until it holds; throws after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
