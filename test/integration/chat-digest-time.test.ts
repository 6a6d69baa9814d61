import { describe, expect, it } from 'vitest';
import { createOffpath } from '../../src/index.js';
import { ManualClock, startDiscordEmulator } from '../../src/testing/index.js';
import { track } from '../helpers/cleanups.js';

/** Lets real I/O (the HTTP exchanges with the emulator) happen between steps of virtual time. */
const realTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/** 2026-01-15 04:00:00 UTC. */
const START = Date.UTC(2026, 0, 15, 4, 0, 0);

describe('digest times in chat messages', () => {
  it('are written in the destination timeZone, with the zone named', async () => {
    const clock = new ManualClock(START);
    const discord = await track(startDiscordEmulator({ clock }));
    const [utcHook] = discord.webhooks();
    const indiaHook = discord.createWebhook();
    const noise = { cooldownMs: 60_000, storm: false } as const;
    const offpath = createOffpath(
      {
        destinations: [
          { name: 'utc', type: 'discord', url: utcHook!.url, noise, timeZone: 'UTC' },
          { name: 'india', type: 'discord', url: indiaHook.url, noise, timeZone: 'Asia/Kolkata' },
        ],
      },
      { clock },
    );
    const failure = { level: 'error', title: 'Payment failed', fingerprint: 'pay' } as const;
    offpath.emit(failure); // 04:00:00, delivered as it comes
    clock.advance(5_000);
    offpath.emit(failure); // 04:00:05, the first repeat
    clock.advance(30_000);
    offpath.emit(failure); // 04:00:35, the last repeat
    // The cooldown window closes at 04:01:00 and its digest goes out.
    for (let t = 0; offpath.stats().pending > 0 && t < 120_000; t += 100) {
      clock.advance(100);
      await realTurn();
    }
    const descriptions = (webhookId: string): string[] =>
      discord
        .messages()
        .filter((m) => m.webhookId === webhookId)
        .flatMap((m) => (m.embeds as Array<{ description?: string }>).map((e) => e.description ?? ''));
    expect(descriptions(utcHook!.id)).toEqual(['', '×2 between 04:00:05 and 04:00:35 UTC (30 s)']);
    expect(descriptions(indiaHook.id)).toEqual(['', '×2 between 09:30:05 and 09:30:35 GMT+5:30 (30 s)']);
    expect(offpath.stats()).toMatchObject({ delivered: 2, digested: 4 });
    const closing = offpath.close();
    await clock.advanceAsync(10_000);
    await closing;
  });
});
