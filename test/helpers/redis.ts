/**
 * Redis for tests: the real server on 127.0.0.1:6379 (a test that needs it fails loudly when it is
 * absent), a key prefix of its own per test with its keys deleted afterwards, and a TCP proxy in front
 * of Redis that a test can cut, stall and restore to play an outage without stopping the shared server.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { Redis } from 'ioredis';
import { onCleanup } from './cleanups.js';

export const REDIS_URL = process.env['OFFPATH_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const START_HINT =
  'Start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no';

/** A connected admin client; throws (the test fails) when Redis does not answer. Closed after the test. */
export async function requireRedis(): Promise<Redis> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(
      `These tests need Redis on ${REDIS_URL} and could not reach it (${(error as Error).message}). ${START_HINT}`,
    );
  }
  onCleanup(() => client.quit().catch(() => client.disconnect()));
  return client;
}

/** A key prefix no other test uses; every key under it is deleted after the test. */
export function testPrefix(admin: Redis): string {
  const prefix = `offpath-test:${randomUUID().slice(0, 8)}:`;
  onCleanup(() => deleteKeys(admin, prefix));
  return prefix;
}

/** Deletes every key that starts with `prefix`. */
export async function deleteKeys(admin: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await admin.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Keys under `prefix`, sorted. */
export async function keysUnder(admin: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}

/**
 * A TCP proxy on 127.0.0.1 in front of Redis. `cut()` resets every connection and refuses new ones
 * (Redis "down"), `stall()` keeps connections open but forwards nothing (Redis "slow"), `restore()`
 * goes back to forwarding.
 */
export class RedisProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #target: { host: string; port: number };
  #mode: 'forward' | 'cut' | 'stall' = 'forward';
  port = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
    this.#server = createServer((client) => this.#accept(client));
  }

  /** Starts a proxy to the test Redis; closed after the test. */
  static async start(): Promise<RedisProxy> {
    const url = new URL(REDIS_URL);
    const proxy = new RedisProxy({ host: url.hostname, port: Number(url.port || 6379) });
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.#server.address() as { port: number }).port;
    onCleanup(() => proxy.close());
    return proxy;
  }

  /** `redis://127.0.0.1:<proxy port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.#mode = 'cut';
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }

  stall(): void {
    this.#mode = 'stall';
  }

  restore(): void {
    this.#mode = 'forward';
    // Stalled connections stay useless (their requests were swallowed): reset them so clients reconnect.
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (this.#mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(this.#target.port, this.#target.host);
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (this.#mode === 'forward') to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }
}
