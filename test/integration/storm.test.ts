import { describe, expect, it } from 'vitest';
import { createOffpath, reconciles } from '../../src/index.js';
import { ManualClock, startDiscordEmulator } from '../../src/testing/index.js';
import {
  CHANNEL_LIMIT,
  type ChannelReading,
  mostAllowed,
  readChannel,
  stormEvent,
  WEBHOOK_LIMIT,
} from '../helpers/storm-channel.js';

const RATE_PER_SECOND = 10_000;
const RUN_MS = 60_000;
const SLICE_MS = 10;
const PER_SLICE = (RATE_PER_SECOND * SLICE_MS) / 1000;
const KINDS = 50;
const COOLDOWN_MS = 60_000;
const QUEUE = { maxItems: 1_000, maxBytes: 1024 * 1024 };
/** Lets real I/O (the HTTP exchanges with the emulator) happen between steps of virtual time. */
const realTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/** What one storm run observed. */
interface StormRun {
  readonly emitted: number;
  readonly refused: number;
  readonly errors: readonly unknown[];
  readonly limited: number;
  readonly statuses: ReadonlySet<number | undefined>;
  readonly messages: number;
  readonly span: number;
  readonly channel: ChannelReading;
  readonly firstEmit: ReadonlyMap<string, number>;
  readonly maxDepth: number;
  readonly maxBytes: number;
  readonly maxIntake: number;
  readonly flushedComplete: boolean;
  readonly stats: ReturnType<ReturnType<typeof createOffpath>['stats']>;
}

type Noise = Extract<
  NonNullable<Parameters<typeof createOffpath>[0]['destinations'][number]['noise']>,
  object
>;

/**
 * Emits 100 events every 10 ms of virtual time (10,000/s) for 60 s, round-robin over 50 kinds, into
 * one Discord destination on the strict emulator; then lets virtual time pass until nothing is pending.
 */
async function runStorm(noise: Noise): Promise<StormRun> {
  const clock = new ManualClock();
  const discord = await startDiscordEmulator({ clock });
  const [hook] = discord.webhooks();
  const errors: unknown[] = [];
  const offpath = createOffpath(
    { destinations: [{ name: 'ops', type: 'discord', url: hook!.url, queue: QUEUE, noise }] },
    { clock, onError: (error) => errors.push(error) },
  );
  const firstEmit = new Map<string, number>();
  let emitted = 0;
  let refused = 0;
  let maxDepth = 0;
  let maxBytes = 0;
  let maxIntake = 0;

  for (let t = 0; t < RUN_MS; t += SLICE_MS) {
    for (let i = 0; i < PER_SLICE; i++) {
      const { kind, event } = stormEvent(emitted++, KINDS);
      if (!firstEmit.has(kind)) firstEmit.set(kind, clock.now());
      if (!offpath.emit(event)) refused++;
    }
    clock.advance(SLICE_MS);
    await realTurn();
    if ((t + SLICE_MS) % 1_000 === 0) {
      const stats = offpath.stats();
      const ops = stats.destinations['ops']!;
      maxDepth = Math.max(maxDepth, ops.queueDepth);
      maxBytes = Math.max(maxBytes, ops.memoryBytes);
      maxIntake = Math.max(maxIntake, stats.intake);
    }
  }
  // Only time passes now, until the last windows close and their digests are delivered.
  for (let t = 0; offpath.stats().pending > 0 && t < 10 * 60_000; t += 100) {
    clock.advance(100);
    await realTurn();
  }
  const flushing = offpath.flush({ timeoutMs: 10_000 });
  await clock.advanceAsync(0);
  const flushed = await flushing;

  const messages = discord.messages();
  const run: StormRun = {
    emitted,
    refused,
    errors,
    limited: discord.received.filter((r) => r.status === 429).length,
    statuses: new Set(discord.received.map((r) => r.status)),
    messages: messages.length,
    span: messages.length > 0 ? messages.at(-1)!.time - messages[0]!.time : 0,
    channel: readChannel(messages),
    firstEmit,
    maxDepth,
    maxBytes,
    maxIntake,
    flushedComplete: flushed.complete,
    stats: offpath.stats(),
  };
  const closing = offpath.close();
  await clock.advanceAsync(10_000);
  await closing;
  await discord.close();
  return run;
}

/** The acceptance criteria; every kind must show within `windowMs` of its first emit. */
function expectAccepted(run: StormRun, windowMs: number): void {
  const { stats, channel } = run;
  const delays = [...run.firstEmit].map(([kind, at]) => (channel.firstSeen.get(kind) ?? Number.NaN) - at);
  const longestDelay = Math.max(...delays);
  expect(run.errors).toEqual([]);
  expect(run.emitted).toBe((RATE_PER_SECOND * RUN_MS) / 1000);
  expect(run.refused).toBe(0);
  expect(run.limited).toBe(0);
  expect(run.statuses).toEqual(new Set([204]));
  // Every kind appears in the channel, each within one window of its first emit.
  expect([...channel.firstSeen.keys()].sort()).toEqual([...run.firstEmit.keys()].sort());
  expect(channel.firstSeen.size).toBe(KINDS);
  expect(longestDelay).toBeLessThanOrEqual(windowMs);
  // Within what the limits allow: in total over the span, and in every sliding window.
  expect(run.messages).toBeLessThanOrEqual(mostAllowed(run.span));
  expect(channel.mostPerWebhookWindow).toBeLessThanOrEqual(WEBHOOK_LIMIT.limit);
  expect(channel.mostPerChannelWindow).toBeLessThanOrEqual(CHANNEL_LIMIT.limit);
  // Bounded: the lane never held more than its queue allows, nor the intake more than its ring.
  expect(run.maxDepth).toBeLessThanOrEqual(QUEUE.maxItems);
  expect(run.maxBytes).toBeLessThanOrEqual(QUEUE.maxBytes);
  expect(run.maxIntake).toBeLessThanOrEqual(10_000);
  // The ledger: every event was delivered as itself or counted in a digest that was delivered.
  expect(run.flushedComplete).toBe(true);
  expect(stats.pending).toBe(0);
  expect(stats.accepted).toBe(run.emitted);
  expect(stats.droppedBy).toEqual({});
  expect(stats.deadLettered).toBe(0);
  expect(stats.delivered + stats.digested).toBe(run.emitted);
  expect(channel.digested).toBe(stats.digested);
  expect(reconciles(stats)).toBe(true);
  process.stdout.write(
    `storm: ${run.emitted} events, ${run.messages} messages (at most ${mostAllowed(run.span)} allowed over ${(run.span / 1000).toFixed(1)} s; ` +
      `at most ${channel.mostPerWebhookWindow} in any 2 s, ${channel.mostPerChannelWindow} in any 60 s), ` +
      `${run.limited} responses 429, ${channel.firstSeen.size}/${KINDS} kinds seen, longest first-seen delay ${longestDelay} ms, ` +
      `queue depth at most ${run.maxDepth}, lane bytes at most ${run.maxBytes}, delivered ${stats.delivered}, ` +
      `digested ${stats.digested} (${channel.stormDigests} storm digests)\n`,
  );
}

describe('a storm against the strict Discord emulator', () => {
  it('default cooldowns: no 429, every kind seen within one window, bounded, reconciled', async () => {
    const run = await runStorm({ cooldownMs: COOLDOWN_MS });
    expectAccepted(run, COOLDOWN_MS);
  }, 90_000);

  it('short cooldowns that outrun the channel switch to storm digests and keep every promise', async () => {
    const run = await runStorm({ cooldownMs: 5_000, storm: { afterMs: 10_000, windowMs: 10_000 } });
    expectAccepted(run, 10_000);
    expect(run.channel.stormDigests).toBeGreaterThan(0);
  }, 90_000);
});
