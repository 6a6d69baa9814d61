/**
 * Four processes, each running `createOffpath` with a `coordination` section, against the strict
 * Discord emulator and the real Redis: what coordination shares between processes, end to end
 * through the lanes (limits, circuit, cooldowns), and what happens when Redis goes away mid-run.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { OffpathConfig } from '../../src/index.js';
import { reconciles } from '../../src/pipeline/ledger.js';
import {
  type DiscordEmulator,
  type DiscordEmulatorOptions,
  startDiscordEmulator,
} from '../../src/testing/index.js';
import { track } from '../helpers/cleanups.js';
import { eventually } from '../helpers/coordination.js';
import { closeAll, type InstanceProcess, startInstances } from '../helpers/instance-processes.js';
import { REDIS_URL, RedisProxy, requireRedis, testPrefix } from '../helpers/redis.js';

const PROCESSES = 4;
// Discord's webhook bucket (5 requests) on a 1 s window instead of 2 s, and its channel window
// (30 per minute) widened to 480 per 40 s so that it does not bind: the test takes seconds, not
// minutes. The destinations are given the same windows, as the Discord sink gives the real ones.
const WEBHOOK = { limit: 5, intervalMs: 1_000 };
const CHANNEL = { limit: 480, intervalMs: 40_000 };

let prefix: string;

beforeEach(async () => {
  prefix = testPrefix(await requireRedis());
});

/** The strict emulator on the test's windows; closed after the test. */
function fastDiscord(options: DiscordEmulatorOptions = {}): Promise<DiscordEmulator> {
  return track(
    startDiscordEmulator({
      webhookLimit: WEBHOOK.limit,
      webhookWindowMs: WEBHOOK.intervalMs,
      channelLimit: CHANNEL.limit,
      channelWindowMs: CHANNEL.intervalMs,
      ...options,
    }),
  );
}

/** One Discord destination `ops` on `url`, coordinated on Redis at `redisUrl` unless it is undefined. */
function config(
  url: string,
  redisUrl: string | undefined,
  destination: Record<string, unknown> = {},
): OffpathConfig {
  return {
    destinations: [
      {
        name: 'ops',
        type: 'discord',
        url,
        rateLimits: [WEBHOOK, CHANNEL],
        // Distinct kinds of event: cooldowns never merge them; storm mode (per process) is not the subject.
        noise: { storm: false },
        ...destination,
      },
    ],
    ...(redisUrl === undefined
      ? {}
      : { coordination: { redis: { url: redisUrl, keyPrefix: prefix }, replicas: PROCESSES } }),
  } as OffpathConfig;
}

/** Messages accepted per second between the first and the last accepted one, against the allowed rate. */
function usedShare(answers: ReadonlyArray<{ status?: number | undefined; time: number }>): number {
  const ok = answers.filter((a) => a.status === 204).map((a) => a.time);
  const span = (ok.at(-1)! - ok[0]!) / 1_000;
  // The first window's burst is free; after it the webhook allows limit / interval.
  return (ok.length - WEBHOOK.limit) / span / (WEBHOOK.limit / (WEBHOOK.intervalMs / 1_000));
}

/** Each process bursts `events` error events of distinct kinds, then flushes; returns their final ledgers. */
async function burst(processes: readonly InstanceProcess[], events: number, flushMs: number) {
  for (const p of processes) p.send(`emit ${events} distinct ${p.tag}`);
  for (const p of processes) p.send(`flush ${flushMs}`);
  await Promise.all(processes.map((p) => p.next('flushed')));
  return closeAll(processes, 'ops');
}

function hostErrors(processes: readonly InstanceProcess[]): string[] {
  return processes.flatMap((p) => p.lines.filter((l) => l.type === 'host-error').map((l) => l.message!));
}

describe('four coordinated instances against one Discord webhook', () => {
  it('share its limits through their lanes: 0 × 429, every event shown, ≥ 90 % of the allowed rate used', async () => {
    const discord = await fastDiscord();
    const hook = discord.createWebhook();
    const processes = await startInstances(PROCESSES, config(hook.url, REDIS_URL));
    const ledgers = await burst(processes, 200, 60_000);
    const answers = discord.received.filter((r) => r.path.includes(hook.id));
    // Every process stayed on the shared limits (a Redis slower than its command timeout would move it
    // to its local share, where the replicas hint bounds 429s instead: the next test's subject).
    expect(
      processes.flatMap((p) => p.lines.filter((l) => l.type === 'state' && l.to === 'fallback')),
    ).toEqual([]);
    expect(answers.filter((a) => a.status === 429).map((a) => [a.time, a.responseBody])).toEqual([]);
    for (const ledger of ledgers) {
      expect(reconciles(ledger)).toBe(true);
      expect(ledger).toMatchObject({ accepted: 200, pending: 0, dropped: 0, deadLettered: 0 });
    }
    expect(ledgers.reduce((n, l) => n + l.delivered + l.digested, 0)).toBe(800);
    // Ten embeds per message: 80 messages carry the 800 events.
    expect(discord.messages().reduce((n, m) => n + m.embeds.length, 0)).toBe(800);
    const used = usedShare(answers);
    process.stdout.write(`coordinated lanes: ${Math.round(used * 1000) / 10} % of the webhook rate used\n`);
    expect(used).toBeGreaterThanOrEqual(0.9);
    expect(hostErrors(processes)).toEqual([]);
  }, 120_000);

  it('without coordination collect 429s (the problem it solves)', async () => {
    const discord = await fastDiscord();
    const hook = discord.createWebhook();
    const processes = await startInstances(PROCESSES, config(hook.url, undefined), { waitShared: false });
    const ledgers = await burst(processes, 200, 60_000);
    const answers = discord.received.filter((r) => r.path.includes(hook.id));
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThan(0);
    for (const ledger of ledgers) expect(reconciles(ledger)).toBe(true);
  }, 120_000);
});

describe('four coordinated instances against a destination that dies and recovers', () => {
  it('probe it with exactly one request at a time while it is down, then all deliver', async () => {
    // Every request's span at the emulator, from arrival to answer.
    const spans: Array<{ start: number; end: number; status: number | undefined }> = [];
    const discord = await fastDiscord({
      onRequest: (r) => spans.push({ start: r.time, end: Date.now(), status: r.status }),
    });
    const hook = discord.createWebhook();
    // Slow failures, so that two requests in flight at once would overlap at the emulator.
    discord.faults.setFailureRate(1, { status: 503 });
    discord.faults.latencyMs = 150;
    const processes = await startInstances(
      PROCESSES,
      config(hook.url, REDIS_URL, {
        breaker: { failureThreshold: 2, recoveryTimeoutMs: 300, halfOpenSuccessThreshold: 1 },
        retry: { maxAttempts: 20, initialDelayMs: 100, maxDelayMs: 200 },
      }),
    );
    for (const p of processes) p.send(`emit 30 distinct ${p.tag}`);
    const tripped = await Promise.race(processes.map((p) => p.next('circuit', (l) => l.to === 'open')));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const recoveredAt = Date.now();
    discord.faults.clear();
    for (const p of processes) p.send('flush 30000');
    await Promise.all(processes.map((p) => p.next('flushed')));
    const ledgers = await closeAll(processes, 'ops');

    // Sends already in flight when the circuit opened (and told the others, over pub/sub) still land.
    const probes = spans.filter((s) => s.start > tripped.at! + 200 && s.start < recoveredAt);
    expect(probes.length).toBeGreaterThanOrEqual(3);
    const overlapping = probes.filter((s, i) => i > 0 && s.start < probes[i - 1]!.end);
    expect(overlapping).toEqual([]);
    for (const ledger of ledgers) {
      expect(reconciles(ledger)).toBe(true);
      expect(ledger).toMatchObject({ accepted: 30, delivered: 30, pending: 0 });
    }
    expect(hostErrors(processes)).toEqual([]);
  }, 120_000);
});

describe('four coordinated instances when Redis goes away mid-run', () => {
  it('keep delivering on their share of the limits, count every event, and rejoin within 5 s', async () => {
    const proxy = await RedisProxy.start();
    const discord = await fastDiscord();
    const hook = discord.createWebhook();
    const processes = await startInstances(PROCESSES, config(hook.url, proxy.url));
    for (const p of processes) p.send(`emit 200 distinct ${p.tag}`);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const cutAt = Date.now();
    proxy.cut();
    const down = await Promise.all(
      processes.map((p) => p.next('state', (l) => l.to === 'fallback' && l.at! >= cutAt)),
    );
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const restoredAt = Date.now();
    proxy.restore();
    const back = await Promise.all(
      processes.map((p) => p.next('state', (l) => l.to === 'shared' && l.at! >= restoredAt)),
    );
    for (const p of processes) p.send('flush 60000');
    await Promise.all(processes.map((p) => p.next('flushed')));
    const ledgers = await closeAll(processes, 'ops');

    expect(down.map((l) => l.from)).toEqual(['shared', 'shared', 'shared', 'shared']);
    for (const l of back) expect(l.at! - restoredAt).toBeLessThan(5_000);
    // Said once per change: one fallback and one return per process after the cut.
    for (const p of processes) {
      expect(p.lines.filter((l) => l.type === 'state' && l.at! >= cutAt).map((l) => l.to)).toEqual([
        'fallback',
        'shared',
      ]);
    }
    for (const ledger of ledgers) {
      expect(reconciles(ledger)).toBe(true);
      expect(ledger).toMatchObject({ accepted: 200, delivered: 200, pending: 0 });
    }
    const limited = discord.received.filter((r) => r.path.includes(hook.id) && r.status === 429).length;
    process.stdout.write(`Redis cut mid-run: ${limited} × 429\n`);
    // On local limits each process takes a quarter of every window, which together fit; only the two
    // changes of regime can overshoot, by at most one process's share each.
    expect(limited).toBeLessThanOrEqual(2 * PROCESSES);
    expect(hostErrors(processes)).toEqual([]);
    expect(processes.flatMap((p) => p.lines.filter((l) => l.type === 'error'))).toEqual([]);
  }, 120_000);
});

describe('four coordinated instances seeing the same error', () => {
  it('post one first message and one digest with the summed count per cooldown', async () => {
    const discord = await fastDiscord();
    const hook = discord.createWebhook();
    const processes = await startInstances(
      PROCESSES,
      config(hook.url, REDIS_URL, { noise: { cooldownMs: 2_000, storm: false } }),
    );
    const texts = () => discord.messages().map((m) => JSON.stringify(m.embeds));
    for (const round of [1, 2]) {
      for (const p of processes) p.send(`emit 25 same ${p.tag}`);
      await eventually(() => texts().length === 2 * round, 15_000, `round ${round}'s two messages`);
      const [first, digest] = texts().slice(2 * (round - 1));
      expect(first).toContain('Payment provider timed out');
      expect(first).not.toContain('more in');
      // 100 occurrences in the group: the first message, and 99 repeats summed from four processes.
      expect(digest).toContain('×99 more in');
    }
    for (const p of processes) p.send('flush 10000');
    await Promise.all(processes.map((p) => p.next('flushed')));
    const ledgers = await closeAll(processes, 'ops');
    // Nothing more was posted: no copy of a digest, no late one.
    expect(texts()).toHaveLength(4);
    for (const ledger of ledgers) {
      expect(reconciles(ledger)).toBe(true);
      expect(ledger).toMatchObject({ accepted: 50, pending: 0, dropped: 0, deadLettered: 0 });
    }
    // Every occurrence is shown once: as a first message, or counted in the digest of its window.
    expect(ledgers.reduce((n, l) => n + l.delivered + l.digested, 0)).toBe(200);
    expect(ledgers.reduce((n, l) => n + l.delivered, 0)).toBe(2);
    expect(hostErrors(processes)).toEqual([]);
  }, 120_000);
});
