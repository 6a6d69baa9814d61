/**
 * Four sender processes, one strict Discord emulator webhook, the real Redis. With the shared limiter
 * the group stays inside the webhook's limits (0 × 429) while using nearly all of its allowed rate;
 * alone, the same processes collect 429s; on local limits divided by the replicas hint they stay
 * inside the limits but use less of them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DiscordEmulator, startDiscordEmulator } from '../../src/testing/index.js';
import { onCleanup, track } from '../helpers/cleanups.js';
import { REDIS_URL, requireRedis, testPrefix } from '../helpers/redis.js';

const CHILD = fileURLToPath(new URL('../fixtures/coordinated-sender.ts', import.meta.url));
const PROCESSES = 4;
// Discord's webhook bucket as observed (5 per 2 s); its channel window (30 per minute) widened to 480
// per 40 s so that it does not bind and the test takes seconds, not minutes. The limiter is given the
// same windows, as the Discord sink gives the real ones.
const WEBHOOK = { limit: 5, intervalMs: 2_000 };
const CHANNEL = { limit: 480, intervalMs: 40_000 };

let prefix: string;

beforeEach(async () => {
  prefix = testPrefix(await requireRedis());
});

interface Outcome {
  readonly sent: number;
  readonly limited: number;
}

async function run(discord: DiscordEmulator, mode: 'shared' | 'alone' | 'local', messages: number) {
  const hook = discord.createWebhook();
  const children: ChildProcess[] = [];
  const results: Promise<Outcome>[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        MODE: mode,
        WEBHOOK_URL: hook.url,
        MESSAGES: String(messages),
        LIMITS: JSON.stringify([WEBHOOK, CHANNEL]),
        REDIS_URL,
        PREFIX: prefix,
        REPLICAS: String(PROCESSES),
        TAG: `p${i}`,
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    onCleanup(() => child.kill('SIGKILL'));
    children.push(child);
    const lines = createInterface({ input: child.stdout! });
    ready.push(new Promise((resolve) => lines.once('line', () => resolve())));
    results.push(
      new Promise((resolve, reject) => {
        lines.on('line', (line) => {
          if (line.startsWith('{')) resolve(JSON.parse(line) as Outcome);
        });
        child.on('exit', (code) =>
          code === 0 ? undefined : reject(new Error(`sender ${i} exited ${code}`)),
        );
      }),
    );
  }
  await Promise.all(ready);
  for (const child of children) child.stdin!.write('go\n');
  const outcomes = await Promise.all(results);
  const answers = discord.received.filter((r) => r.path.includes(hook.id));
  return { outcomes, answers };
}

/** The strict emulator on the test's windows; closed after the test. */
function fastDiscord(): Promise<DiscordEmulator> {
  return track(
    startDiscordEmulator({
      webhookLimit: WEBHOOK.limit,
      webhookWindowMs: WEBHOOK.intervalMs,
      channelLimit: CHANNEL.limit,
      channelWindowMs: CHANNEL.intervalMs,
    }),
  );
}

/** Messages accepted per second between the first and the last accepted one, against the allowed rate. */
function usedShare(answers: ReadonlyArray<{ status?: number | undefined; time: number }>): number {
  const ok = answers.filter((a) => a.status === 204).map((a) => a.time);
  const span = (ok.at(-1)! - ok[0]!) / 1_000;
  // The first window's burst is free; after it the webhook allows limit / interval.
  return (ok.length - WEBHOOK.limit) / span / (WEBHOOK.limit / (WEBHOOK.intervalMs / 1_000));
}

describe('four processes against one Discord webhook', () => {
  it('share its limits: 0 × 429 and at least 90 % of its allowed rate used while the backlog lasts', async () => {
    const discord = await fastDiscord();
    const { outcomes, answers } = await run(discord, 'shared', 15);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(0);
    expect(outcomes.map((o) => o.limited)).toEqual([0, 0, 0, 0]);
    expect(discord.messages()).toHaveLength(60);
    const used = usedShare(answers);
    process.stdout.write(`shared: ${Math.round(used * 1000) / 10} % of the webhook rate used\n`);
    expect(used).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('without coordination collect 429s (the problem it solves)', async () => {
    const discord = await fastDiscord();
    const { outcomes, answers } = await run(discord, 'alone', 15);
    const limited = answers.filter((a) => a.status === 429).length;
    expect(limited).toBeGreaterThan(0);
    expect(outcomes.reduce((n, o) => n + o.limited, 0)).toBe(limited);
    expect(discord.messages()).toHaveLength(60);
  }, 60_000);

  it('on local limits divided by the replicas hint stay inside the limits without Redis', async () => {
    const discord = await fastDiscord();
    const { answers } = await run(discord, 'local', 5);
    // Each process is allowed 1 per 2 s and 120 per 40 s: together 4 per 2 s, inside both windows.
    expect(answers.filter((a) => a.status === 429)).toHaveLength(0);
    expect(discord.messages()).toHaveLength(20);
  }, 60_000);
});
