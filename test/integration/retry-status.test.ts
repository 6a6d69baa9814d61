import { describe, expect, it } from 'vitest';
import { createOffpath, type OffpathEvents, reconciles } from '../../src/index.js';
import { startCollectorEmulator, startDiscordEmulator } from '../../src/testing/index.js';
import { onCleanup, track } from '../helpers/cleanups.js';

const fast = { initialDelayMs: 5, maxDelayMs: 10 };

function deadLetters(offpath: ReturnType<typeof createOffpath>) {
  const seen: Array<OffpathEvents['dead-lettered']> = [];
  offpath.on('dead-lettered', (e) => seen.push(e));
  return seen;
}

/** A collector emulator and one HTTP destination on it, one request at a time, retried quickly. */
async function collectorDestination(retry: Record<string, unknown>) {
  const collector = await track(startCollectorEmulator());
  const offpath = createOffpath({
    destinations: [
      { name: 'c', type: 'http', url: collector.url, concurrency: 1, retry, batch: { maxDelayMs: 5 } },
    ],
  });
  onCleanup(() => offpath.close({ timeoutMs: 1_000 }));
  return { collector, offpath, dead: deadLetters(offpath) };
}

describe('retryableStatusCodes reach the sinks', () => {
  it('HTTP: a status in the list is retried, one outside it is dead-lettered as rejected at once', async () => {
    const { collector, offpath, dead } = await collectorDestination({ ...fast, retryableStatusCodes: [418] });
    collector.faults.failNext(2, 418);
    offpath.emit({ message: 'teapot' });
    await offpath.flush({ timeoutMs: 5_000 });
    expect(collector.received.map((r) => r.status)).toEqual([418, 418, 200]);
    collector.faults.failNext(1, 503);
    offpath.emit({ message: 'outage' });
    await offpath.flush({ timeoutMs: 5_000 });
    expect(collector.received.map((r) => r.status)).toEqual([418, 418, 200, 503]);
    expect(dead.map((d) => [d.reason, d.attempts, d.error?.statusCode])).toEqual([['rejected', 1, 503]]);
    expect(reconciles(offpath.stats())).toBe(true);
  });

  it('HTTP: by default 5xx are retried and other 4xx are not', async () => {
    const { collector, offpath, dead } = await collectorDestination(fast);
    collector.faults.failNext(1, 520);
    collector.faults.failNext(1, 422);
    offpath.emit({ message: 'a' });
    await offpath.flush({ timeoutMs: 5_000 });
    expect(collector.received.map((r) => r.status)).toEqual([520, 422]);
    expect(dead.map((d) => d.reason)).toEqual(['rejected']);
  });

  it('Discord: the list decides for 5xx, while a deleted webhook stays gone whatever the list says', async () => {
    const discord = await track(startDiscordEmulator());
    const [hook] = discord.webhooks();
    const offpath = createOffpath({
      destinations: [
        {
          name: 'ops',
          type: 'discord',
          url: hook!.url,
          noise: false,
          batch: { maxDelayMs: 5 },
          retry: { ...fast, retryableStatusCodes: [404, 503] },
        },
      ],
    });
    onCleanup(() => offpath.close({ timeoutMs: 1_000 }));
    const dead = deadLetters(offpath);
    discord.faults.failNext(1, 503);
    discord.faults.failNext(1, 502);
    offpath.emit({ level: 'error', title: 'first' });
    await offpath.flush({ timeoutMs: 5_000 });
    expect(discord.received.map((r) => r.status)).toEqual([503, 502]);
    expect(dead.map((d) => [d.reason, d.error?.statusCode])).toEqual([['rejected', 502]]);
    discord.deleteWebhook(hook!.id);
    offpath.emit({ level: 'error', title: 'second' });
    await offpath.flush({ timeoutMs: 5_000 });
    expect(offpath.stats().destinations['ops']?.state).toBe('disabled');
    expect(dead.map((d) => d.reason)).toEqual(['rejected', 'destination_gone']);
  });
});
