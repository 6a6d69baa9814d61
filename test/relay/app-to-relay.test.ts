import { describe, expect, it } from 'vitest';
import { createOffpath } from '../../src/index.js';
import { startDiscordEmulator } from '../../src/testing/index.js';
import { track } from '../helpers/cleanups.js';
import { startTestRelay, TOKEN, waitFor } from '../helpers/relay.js';

describe('a Node app using a relay as its single destination', () => {
  it('posts with format "offpath"; the relay delivers every event to Discord with 0 × 429 and no secret', async () => {
    const discord = await track(startDiscordEmulator());
    const [hook] = discord.webhooks();
    const { relay } = await startTestRelay({
      destinations: [{ name: 'ops', type: 'discord', url: hook!.url, noise: false }],
    });
    const app = createOffpath({
      service: 'checkout-api',
      destinations: [
        {
          name: 'relay',
          type: 'http',
          url: `${relay.url}/v1/events`,
          format: 'offpath',
          headers: { authorization: `Bearer ${TOKEN}` },
          batch: { maxSize: 50, maxDelayMs: 5 },
        },
      ],
    });
    for (let i = 0; i < 30; i++) {
      app.emit({ level: 'error', title: `order ${i} failed`, fields: { i, password: 'hunter2-secret' } });
    }
    app.emit({
      level: 'warn',
      title: 'slow upstream',
      http: {
        request: {
          method: 'POST',
          url: 'https://api.example/pay?token=abc',
          headers: { authorization: 'Bearer sk_live_x' },
        },
        response: { status: 502, durationMs: 812 },
      },
    });
    const flushed = await app.flush({ timeoutMs: 10_000 });
    expect(flushed.complete).toBe(true);
    expect(app.stats().delivered).toBe(31);
    await app.close();

    await waitFor(
      () => relay.instance.stats().destinations['ops']!.delivered === 31,
      20_000,
      'Discord deliveries',
    );
    const embeds = discord
      .messages()
      .flatMap((m) => m.embeds as Array<{ title: string; fields?: Array<{ name: string; value: string }> }>);
    expect(embeds.map((e) => e.title)).toContain('🔴 order 0 failed');
    expect(embeds.map((e) => e.title)).toContain('🟠 slow upstream');
    // HTTP destinations keep several batches in flight, so the relay may receive them in any order.
    expect(JSON.stringify(embeds.find((e) => e.title === '🟠 slow upstream'))).toContain('502');
    expect(discord.received.filter((r) => r.status === 429)).toEqual([]);
    const everything = JSON.stringify(discord.messages());
    expect(everything).not.toContain('hunter2-secret');
    expect(everything).not.toContain('sk_live_x');
    expect(relay.instance.stats().destinations['ops']!.accepted).toBe(31);
  });
});
