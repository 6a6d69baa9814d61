/**
 * A storm in real time: 10,000 events/s for 60 s over 50 fingerprints into one Discord destination on
 * the Discord emulator with its default (strict) limits, 5 requests per 2 s per webhook and 30 messages
 * per 60 s per channel. Noise control at its chat defaults has to turn 600,000 events into a few
 * messages without a single 429, show every kind, stay bounded and account for every event.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createOffpath, reconciles } from '../dist/index.js';
import { startDiscordEmulator } from '../dist/testing/index.js';
import {
  CHANNEL_LIMIT,
  mostAllowed,
  readChannel,
  stormEvent,
  WEBHOOK_LIMIT,
} from '../test/helpers/storm-channel.js';
import type { BenchResult } from './types.js';

const KINDS = 50;
const COOLDOWN_MS = 60_000;

export async function run(
  seconds = Number(process.env['BENCH_SECONDS'] ?? 60),
  rate = 10_000,
): Promise<BenchResult[]> {
  const discord = await startDiscordEmulator();
  const [hook] = discord.webhooks();
  let errors = 0;
  const offpath = createOffpath(
    { destinations: [{ name: 'ops', type: 'discord', url: hook!.url }] },
    {
      onError: () => {
        errors++;
      },
    },
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakRss = process.memoryUsage().rss;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const total = Math.round(seconds * rate);
  const firstEmit = new Map<string, number>();
  let emitted = 0;
  let refused = 0;
  let maxDepth = 0;
  let nextSample = 0;
  const started = Date.now();
  await new Promise<void>((resolve) => {
    // Each tick emits what the elapsed time calls for, so timer drift changes the burst size, not the total.
    const timer = setInterval(() => {
      const now = Date.now();
      const due = Math.min(total, Math.floor(((now - started) * rate) / 1000));
      while (emitted < due) {
        const { kind, event } = stormEvent(emitted++, KINDS);
        if (!firstEmit.has(kind)) firstEmit.set(kind, now);
        if (!offpath.emit(event)) refused++;
      }
      if (now >= nextSample) {
        nextSample = now + 1_000;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        maxDepth = Math.max(maxDepth, offpath.stats().destinations['ops']?.queueDepth ?? 0);
      }
      if (emitted >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  delay.disable();
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  // Closing ends the cooldown windows early (a shortened run ends before they would), so every digest goes out.
  const closed = await offpath.close({ timeoutMs: 30_000 });
  const stats = offpath.stats();
  const messages = discord.messages();
  const limited = discord.received.filter((r) => r.status === 429).length;
  await discord.close();

  const channel = readChannel(messages);
  const delays = [...firstEmit].map(([kind, at]) => (channel.firstSeen.get(kind) ?? Number.NaN) - at);
  const longest = Math.max(...delays);
  const allowed = mostAllowed((messages.at(-1)?.time ?? started) - started);
  const withinLimits =
    messages.length <= allowed &&
    channel.mostPerWebhookWindow <= WEBHOOK_LIMIT.limit &&
    channel.mostPerChannelWindow <= CHANNEL_LIMIT.limit;
  const unaccounted =
    stats.accepted - (stats.delivered + stats.digested + stats.dropped + stats.deadLettered + stats.pending);
  const p99 = delay.percentile(99) / 1e6;
  const growthMb = (heapAfter - heapBefore) / 1024 / 1024;
  return [
    { name: `storm: events emitted in ${seconds} s`, value: emitted, unit: 'events' },
    { name: 'storm: emit() refused', value: refused, unit: 'events', target: '0', pass: refused === 0 },
    { name: 'storm: responses 429', value: limited, unit: 'responses', target: '0', pass: limited === 0 },
    {
      name: 'storm: messages posted',
      value: messages.length,
      unit: `messages (at most ${channel.mostPerWebhookWindow} in any 2 s, ${channel.mostPerChannelWindow} in any 60 s)`,
      target: `≤ ${allowed}, ≤ 5 per 2 s, ≤ 30 per 60 s`,
      pass: withinLimits,
    },
    {
      name: 'storm: fingerprints seen in the channel',
      value: channel.firstSeen.size,
      unit: `of ${KINDS}`,
      target: `${KINDS}`,
      pass: channel.firstSeen.size === KINDS,
    },
    {
      name: 'storm: longest delay, first emit to first appearance',
      value: Number.isNaN(longest) ? -1 : longest,
      unit: 'ms',
      target: `≤ ${COOLDOWN_MS} ms (one window)`,
      pass: longest <= COOLDOWN_MS,
    },
    {
      name: 'storm: heap growth (after GC)',
      value: round(growthMb),
      unit: 'MB',
      target: '< 10 MB',
      pass: growthMb < 10,
    },
    { name: 'storm: peak RSS', value: round(peakRss / 1024 / 1024), unit: 'MB' },
    { name: 'storm: lane queue depth at most', value: maxDepth, unit: 'records' },
    {
      name: 'storm: event-loop delay p99',
      value: round(p99),
      unit: 'ms',
      target: '< 5 ms',
      pass: p99 < 5,
    },
    { name: 'storm: event-loop delay max', value: round(delay.max / 1e6), unit: 'ms' },
    { name: 'storm: delivered as themselves', value: stats.delivered, unit: 'events' },
    { name: 'storm: counted in delivered digests', value: stats.digested, unit: 'events' },
    {
      name: 'storm: dropped + dead-lettered + pending after close',
      value: stats.dropped + stats.deadLettered + stats.pending,
      unit: 'events',
      target: '0',
      pass: stats.dropped + stats.deadLettered + stats.pending === 0 && closed.complete,
    },
    {
      name: 'storm: ledger reconciled (unaccounted deliveries)',
      value: unaccounted,
      unit: reconciles(stats) ? 'events (reconciled: yes)' : 'events (reconciled: no)',
      target: '0',
      pass: reconciles(stats) && stats.accepted === emitted - refused,
    },
    { name: "storm: offpath's own errors", value: errors, unit: 'errors', target: '0', pass: errors === 0 },
  ];
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
