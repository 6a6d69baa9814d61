/**
 * What shared coordination costs a send, against a Redis of the bench's own (a `redis-server` on a
 * free port, so nobody else's commands are counted; the shared 127.0.0.1:6379 when the binary is
 * missing): Redis round trips per send, counted on the client and by the server's own command stats;
 * the latency a send decision adds (p50/p99, shared vs local limiter); and how many sends per second
 * a destination's send loop sustains with the shared limiter, with the local one and with none, in
 * the same run; and the whole pipeline with and without coordination (`coordinated-pipeline.ts`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { FailoverLimiter } from '../dist/coordination/failover-limiter.js';
import { LocalLimiter } from '../dist/coordination/local-limiter.js';
import type { LimiterPlan } from '../dist/coordination/ports.js';
import { RedisConnection } from '../dist/coordination/redis/connection.js';
import { RedisLimiter } from '../dist/coordination/redis/redis-limiter.js';
import { systemClock } from '../dist/resilience/clock.js';
import { runPipelines } from './coordinated-pipeline.js';
import { type BenchResult, percentile } from './types.js';

const SENDS = Number(process.env['COORDINATION_SENDS'] ?? 5_000);
const ROUNDS = 5;

// Two sliding windows, as Discord's, with limits high enough never to refuse at the rates reached here
// (the bench measures the cost of asking, not the waiting) and small enough that each window holds
// about as many entries as a busy real one.
const plan = (key: string, scale = 1): LimiterPlan => ({
  key,
  windows: [
    { limit: 2_000 * scale, intervalMs: 100, scope: key },
    { limit: 20_000 * scale, intervalMs: 2_000, scope: `${key}-channel` },
  ],
});
// The local limiter decides a thousand times faster: the same windows, fifty times wider.
const LOCAL_SCALE = 50;

interface Limiter {
  acquire(): number | Promise<number>;
  complete(update?: { remaining: number; resetAfterMs: number }): void;
}

/** A send loop: decide, "send" (nothing), report the answer with its headers. Returns ms per decision. */
async function sendLoop(limiter: Limiter, sends: number): Promise<Float64Array> {
  const decisions = new Float64Array(sends);
  for (let i = 0; i < sends; i++) {
    const started = performance.now();
    const wait = await limiter.acquire();
    decisions[i] = performance.now() - started;
    if (wait !== 0) throw new Error(`bench limits refused a send (wait ${wait} ms)`);
    limiter.complete({ remaining: 4, resetAfterMs: 1_500 });
  }
  return decisions;
}

const none: Limiter = { acquire: () => 0, complete: () => {} };

export async function run(): Promise<BenchResult[]> {
  const redis = await startRedis();
  const connection = new RedisConnection({ url: redis.url, keyPrefix: 'offpath-bench:' });
  const admin = new Redis(redis.url);
  try {
    await until(() => connection.up, 5_000);
    const redisSide = new RedisLimiter(connection, plan('bench'), systemClock);
    const local = new LocalLimiter(plan('bench', LOCAL_SCALE), systemClock);
    // What a coordinated lane uses: Redis while it answers, the local limiter otherwise.
    const shared = new FailoverLimiter(redisSide, new LocalLimiter(plan('bench'), systemClock), connection);
    await sendLoop(shared, 500); // warm-up: script loaded, connections hot
    const tripsBefore = redisSide.roundTrips;
    const callsBefore = await evalCalls(admin);
    const sharedMs: number[] = [];
    const localMs: number[] = [];
    const rates = { shared: [] as number[], local: [] as number[], none: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, limiter] of [
        ['shared', shared],
        ['local', local],
        ['none', none],
      ] as const) {
        const started = performance.now();
        const decisions = await sendLoop(limiter, SENDS);
        rates[name].push(SENDS / ((performance.now() - started) / 1_000));
        if (name === 'shared') sharedMs.push(...decisions);
        if (name === 'local') localMs.push(...decisions);
      }
    }
    // Let the last answer's correction go out before reading the server's counters.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sends = SENDS * ROUNDS;
    const clientTrips = (redisSide.roundTrips - tripsBefore) / sends;
    const serverCalls = ((await evalCalls(admin)) - callsBefore) / sends;
    sharedMs.sort((a, b) => a - b);
    localMs.sort((a, b) => a - b);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const us = (ms: number) => Math.round(ms * 10_000) / 10;
    const pipelines = await runPipelines(redis.url, evalCalls, admin);
    return [
      {
        name: 'coordination: Redis round trips per send (client)',
        value: Math.round(clientTrips * 1000) / 1000,
        unit: 'round trips',
        target: '1',
        pass: clientTrips <= 1.001,
      },
      {
        name: 'coordination: scripts Redis ran per send (server stats)',
        value: Math.round(serverCalls * 1000) / 1000,
        unit: 'EVALSHA/EVAL',
        target: '1',
        pass: serverCalls <= 1.001,
      },
      { name: 'coordination: send decision p50, shared', value: us(percentile(sharedMs, 0.5)), unit: 'µs' },
      { name: 'coordination: send decision p99, shared', value: us(percentile(sharedMs, 0.99)), unit: 'µs' },
      { name: 'coordination: send decision p50, local', value: us(percentile(localMs, 0.5)), unit: 'µs' },
      { name: 'coordination: send decision p99, local', value: us(percentile(localMs, 0.99)), unit: 'µs' },
      {
        name: 'coordination: send loop, shared limiter',
        value: Math.round(median(rates.shared)),
        unit: 'sends/s',
      },
      {
        name: 'coordination: send loop, local limiter',
        value: Math.round(median(rates.local)),
        unit: 'sends/s',
      },
      { name: 'coordination: send loop, no limiter', value: Math.round(median(rates.none)), unit: 'sends/s' },
      ...pipelines,
      {
        name: `coordination: Redis used`,
        value: redis.own ? 1 : 0,
        unit: redis.own
          ? '(own redis-server on a free port)'
          : '(shared 127.0.0.1:6379: server stats include others)',
      },
    ];
  } finally {
    await connection.close();
    admin.disconnect();
    redis.stop();
  }
}

async function evalCalls(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  let calls = 0;
  for (const m of info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)) calls += Number(m[1]);
  return calls;
}

async function startRedis(): Promise<{ url: string; own: boolean; stop: () => void }> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    return { url: 'redis://127.0.0.1:6379', own: false, stop: () => {} };
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
  probe.on('error', () => {});
  await until(
    async () =>
      probe.connect().then(
        () => true,
        () => false,
      ),
    5_000,
  );
  probe.disconnect();
  return { url, own: true, stop: () => child.kill('SIGTERM') };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('coordination bench: Redis did not come up');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
