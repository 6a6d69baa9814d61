import { describe, expect, it } from 'vitest';
import { createOffpath, reconciles } from '../../src/index.js';
import { type DiscordMessage, ManualClock, startDiscordEmulator } from '../../src/testing/index.js';

const RATE_PER_SECOND = 10_000;
const RUN_MS = 60_000;
const SLICE_MS = 10;
const PER_SLICE = (RATE_PER_SECOND * SLICE_MS) / 1000;
const KINDS = 50;
const COOLDOWN_MS = 60_000;
const QUEUE = { maxItems: 1_000, maxBytes: 1024 * 1024 };
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Letters only: the fingerprint template collapses digits, and a digest's label is built from it, so a
 * numeric name would no longer tell the kinds apart in the channel.
 */
const kindName = (i: number): string => `fault-${ALPHABET[Math.floor(i / 26)]}${ALPHABET[i % 26]}`;
const KIND_TOKEN = /\bfault-([a-z]{2})\b/g;
/** A cooldown digest's title (`×N more in …`) or a storm digest's (`Storm: ×N events in …`), after the emoji. */
const DIGEST_TITLE = /^\S+ (?:×([\d,]+) more in |Storm: ×([\d,]+) events in )/;

/** Lets real I/O (the HTTP exchanges with the emulator) happen between steps of virtual time. */
const realTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

interface Embed {
  readonly title?: string;
  readonly description?: string;
}

/** Everything a person reads in a message: embed titles and descriptions (storm groups live there). */
function textOf(message: DiscordMessage): string {
  return (message.embeds as Embed[]).map((e) => `${e.title ?? ''}\n${e.description ?? ''}`).join('\n');
}

/** The most messages the webhook bucket and the channel window admit over `spanMs`, with fixed windows. */
function mostAllowed(spanMs: number): number {
  const bucket = 5 * (Math.floor(spanMs / 2_000) + 1);
  const channel = 30 * (Math.floor(spanMs / 60_000) + 1);
  return Math.min(bucket, channel);
}

/** The most arrivals found in any span of `windowMs` (a sliding window, stricter than Discord's fixed ones). */
function mostInAnyWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    while (times[to]! - times[from]! >= windowMs) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

/** What one storm run observed. */
interface StormRun {
  readonly emitted: number;
  readonly refused: number;
  readonly errors: readonly unknown[];
  readonly limited: number;
  readonly statuses: ReadonlySet<number | undefined>;
  readonly messages: number;
  readonly span: number;
  readonly mostPer2s: number;
  readonly mostPer60s: number;
  readonly kindsEmitted: readonly string[];
  readonly kindsSeen: readonly string[];
  readonly longestDelay: number;
  readonly digestedInChannel: number;
  readonly stormDigests: number;
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
      const kind = kindName(emitted % KINDS);
      if (!firstEmit.has(kind)) firstEmit.set(kind, clock.now());
      const accepted = offpath.emit({
        level: 'error',
        title: `Payment gateway ${kind}`,
        message: `order ${emitted} failed after ${emitted % 900} ms`,
        fingerprint: kind,
      });
      if (!accepted) refused++;
      emitted++;
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
  const stats = offpath.stats();

  const messages = discord.messages();
  const firstSeen = new Map<string, number>();
  let digestedInChannel = 0;
  let stormDigests = 0;
  for (const message of messages) {
    for (const m of textOf(message).matchAll(KIND_TOKEN)) {
      const kind = `fault-${m[1]}`;
      if (!firstSeen.has(kind)) firstSeen.set(kind, message.time);
    }
    for (const embed of message.embeds as Embed[]) {
      const digest = DIGEST_TITLE.exec(embed.title ?? '');
      if (!digest) continue;
      digestedInChannel += Number((digest[1] ?? digest[2])!.replaceAll(',', ''));
      if (digest[2]) stormDigests++;
    }
  }
  const delays = [...firstEmit].map(([kind, at]) => (firstSeen.get(kind) ?? Number.NaN) - at);
  const run: StormRun = {
    emitted,
    refused,
    errors,
    limited: discord.received.filter((r) => r.status === 429).length,
    statuses: new Set(discord.received.map((r) => r.status)),
    messages: messages.length,
    span: messages.length > 0 ? messages.at(-1)!.time - messages[0]!.time : 0,
    mostPer2s: mostInAnyWindow(
      messages.map((m) => m.time),
      2_000,
    ),
    mostPer60s: mostInAnyWindow(
      messages.map((m) => m.time),
      60_000,
    ),
    kindsEmitted: [...firstEmit.keys()].sort(),
    kindsSeen: [...firstSeen.keys()].sort(),
    longestDelay: Math.max(...delays),
    digestedInChannel,
    stormDigests,
    maxDepth,
    maxBytes,
    maxIntake,
    flushedComplete: flushed.complete,
    stats,
  };
  const closing = offpath.close();
  await clock.advanceAsync(10_000);
  await closing;
  await discord.close();
  return run;
}

function expectAccepted(run: StormRun, windowMs: number): void {
  const { stats } = run;
  expect(run.errors).toEqual([]);
  expect(run.emitted).toBe((RATE_PER_SECOND * RUN_MS) / 1000);
  expect(run.refused).toBe(0);
  expect(run.limited).toBe(0);
  expect(run.statuses).toEqual(new Set([204]));
  // Every kind appears in the channel, each within one window of its first emit.
  expect(run.kindsSeen).toEqual(run.kindsEmitted);
  expect(run.kindsSeen).toHaveLength(KINDS);
  expect(run.longestDelay).toBeLessThanOrEqual(windowMs);
  expect(run.messages).toBeLessThanOrEqual(mostAllowed(run.span));
  expect(run.mostPer2s).toBeLessThanOrEqual(5);
  expect(run.mostPer60s).toBeLessThanOrEqual(30);
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
  expect(run.digestedInChannel).toBe(stats.digested);
  expect(reconciles(stats)).toBe(true);
  process.stdout.write(
    `storm: ${run.emitted} events, ${run.messages} messages (at most ${mostAllowed(run.span)} allowed over ${(run.span / 1000).toFixed(1)} s; ` +
      `at most ${run.mostPer2s} in any 2 s, ${run.mostPer60s} in any 60 s), ` +
      `${run.limited} responses 429, ${run.kindsSeen.length}/${KINDS} kinds seen, longest first-seen delay ${run.longestDelay} ms, ` +
      `queue depth at most ${run.maxDepth}, lane bytes at most ${run.maxBytes}, delivered ${stats.delivered}, ` +
      `digested ${stats.digested} (${run.stormDigests} storm digests)\n`,
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
    expect(run.stormDigests).toBeGreaterThan(0);
  }, 90_000);
});
