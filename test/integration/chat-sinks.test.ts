import { describe, expect, it } from 'vitest';
import { createOffpath, type Offpath } from '../../src/index.js';
import { reconciles } from '../../src/pipeline/ledger.js';
import { startDiscordEmulator, startSlackEmulator, startTelegramEmulator } from '../../src/testing/index.js';
import { onCleanup, track } from '../helpers/cleanups.js';

function instance(config: Parameters<typeof createOffpath>[0]): Offpath {
  const offpath = createOffpath(config);
  onCleanup(() => offpath.close({ timeoutMs: 1_000 }));
  return offpath;
}

const hugeStack = `Error: deep failure\n${Array.from({ length: 10_000 }, (_, i) => `    at frame${i} (/srv/app/src/module${i % 50}.js:${i}:${i % 80})`).join('\n')}`;
const hugeBody = JSON.stringify({
  items: Array.from({ length: 2_500 }, (_, i) => ({ id: i, note: '```@everyone <b>&amp;</b>' })),
});

describe('Discord destination against the emulator', () => {
  it('delivers 200 events emitted as fast as possible with 0 responses 429, in order', async () => {
    const discord = await track(startDiscordEmulator());
    const [hook] = discord.webhooks();
    const offpath = instance({
      destinations: [{ name: 'ops', type: 'discord', url: hook!.legacyUrl, noise: false }],
    });
    for (let i = 0; i < 200; i++) offpath.emit({ level: 'error', title: `event ${i}`, fields: { i } });
    const result = await offpath.flush({ timeoutMs: 30_000 });
    expect(result.complete).toBe(true);
    expect(discord.received.filter((r) => r.status === 429)).toEqual([]);
    expect(discord.received.every((r) => r.path.startsWith('/api/v10/'))).toBe(true);
    const titles = discord
      .messages()
      .flatMap((m) => (m.embeds as Array<{ title: string }>).map((e) => e.title));
    expect(titles).toEqual(Array.from({ length: 200 }, (_, i) => `🔴 event ${i}`));
    // The first event goes out alone (the lane was idle); the rest travel ten embeds per message.
    expect(discord.messages().length).toBeLessThanOrEqual(21);
    expect(reconciles(offpath.stats())).toBe(true);
  }, 40_000);

  it('sends a 100 KB body and a 10,000-line stack as valid messages that ping nobody', async () => {
    const discord = await track(startDiscordEmulator());
    const [hook] = discord.webhooks();
    const offpath = instance({
      destinations: [{ name: 'ops', type: 'discord', url: hook!.url, noise: false }],
    });
    offpath.emit({
      level: 'critical',
      title: '@everyone payment provider is down <@&123> @here',
      message: 'ping @everyone and @here and <@42> ``` not a fence',
      error: Object.assign(new Error('deep failure'), { stack: hugeStack }),
      http: {
        request: { method: 'POST', url: 'https://pay.example.com/charge' },
        response: { status: 503, body: hugeBody },
      },
    });
    await offpath.flush({ timeoutMs: 10_000 });
    expect(discord.received.map((r) => r.status)).toEqual([204]);
    const [message] = discord.messages();
    expect(message!.mentionsPinged.any).toBe(false);
    expect((message!.embeds[0] as { description: string }).description).toContain('lines cut');
    expect(offpath.stats()).toMatchObject({ delivered: 1, deadLettered: 0 });
  });

  it('stops for good after a deleted webhook answers 404, and dead-letters what it held', async () => {
    const discord = await track(startDiscordEmulator());
    const [hook] = discord.webhooks();
    const offpath = instance({
      destinations: [{ name: 'ops', type: 'discord', url: hook!.url, noise: false, batch: { maxSize: 1 } }],
    });
    offpath.emit({ level: 'error', message: 'before' });
    await offpath.flush();
    discord.deleteWebhook(hook!.id);
    for (let i = 0; i < 5; i++) offpath.emit({ level: 'error', message: `after ${i}` });
    await offpath.flush();
    offpath.emit({ level: 'error', message: 'much later' });
    await offpath.flush();
    const statuses = discord.received.map((r) => r.status);
    expect(statuses).toEqual([204, 404]);
    expect(offpath.health().destinations['ops']?.state).toBe('disabled');
    expect(offpath.stats()).toMatchObject({
      delivered: 1,
      deadLettered: 6,
      deadLetteredBy: { destination_gone: 6 },
    });
  });
});

describe('Telegram destination against the emulator', () => {
  it('paces a group without a single 429 and keeps order', async () => {
    const telegram = await track(
      startTelegramEmulator({ perChatIntervalMs: 100, perGroupLimit: 20, perGroupWindowMs: 3_000 }),
    );
    const [bot] = telegram.bots();
    const group = telegram.createChat({ type: 'supergroup' });
    const offpath = instance({
      destinations: [
        {
          name: 'chat',
          type: 'telegram',
          token: bot!.token,
          chatId: group.id,
          apiUrl: telegram.url,
          noise: false,
          rateLimits: [
            { limit: 1, intervalMs: 100 },
            { limit: 20, intervalMs: 3_000 },
          ],
        },
      ],
    });
    for (let i = 0; i < 200; i++) offpath.emit({ level: 'warn', title: `event ${i} <b>&</b>` });
    await offpath.flush({ timeoutMs: 30_000 });
    expect(telegram.received.filter((r) => r.status === 429)).toEqual([]);
    const text = telegram
      .messages(group.id)
      .map((m) => m.text)
      .join('\n');
    const order = [...text.matchAll(/event (\d+) <b>&<\/b>/g)].map((m) => Number(m[1]));
    expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(reconciles(offpath.stats())).toBe(true);
  }, 40_000);

  it('splits a 100 KB body and a 10,000-line stack into valid messages', async () => {
    const telegram = await track(startTelegramEmulator({ perChatIntervalMs: 10 }));
    const [bot] = telegram.bots();
    const chat = telegram.createChat({ type: 'private' });
    const offpath = instance({
      destinations: [
        {
          name: 'chat',
          type: 'telegram',
          token: bot!.token,
          chatId: chat.id,
          apiUrl: telegram.url,
          noise: false,
          rateLimits: [{ limit: 1, intervalMs: 10 }],
        },
      ],
    });
    offpath.emit({
      level: 'error',
      title: 'big',
      error: Object.assign(new Error('deep'), { stack: hugeStack }),
      http: {
        request: { method: 'GET', url: 'https://x.io/a?b=<c>&d' },
        response: { status: 500, body: hugeBody },
      },
    });
    await offpath.flush({ timeoutMs: 10_000 });
    expect(telegram.received.every((r) => r.status === 200)).toBe(true);
    expect(telegram.messages(chat.id).length).toBeGreaterThan(1);
    expect(offpath.stats()).toMatchObject({ delivered: 1 });
  });

  it('follows a group migrated to a supergroup', async () => {
    const telegram = await track(startTelegramEmulator({ perChatIntervalMs: 10 }));
    const [bot] = telegram.bots();
    const newer = telegram.createChat({ type: 'supergroup' });
    const old = telegram.createChat({ type: 'group', migrateTo: newer.id });
    const offpath = instance({
      destinations: [
        {
          name: 'chat',
          type: 'telegram',
          token: bot!.token,
          chatId: old.id,
          apiUrl: telegram.url,
          noise: false,
        },
      ],
    });
    offpath.emit({ level: 'error', message: 'hello' });
    await offpath.flush({ timeoutMs: 10_000 });
    expect(telegram.messages(newer.id).map((m) => m.text)).toEqual([expect.stringContaining('hello')]);
    expect(offpath.stats()).toMatchObject({ delivered: 1 });
  });
});

describe('Slack destination against the emulator', () => {
  it('delivers within the block limits, escapes markup so nothing notifies, and paces itself', async () => {
    const slack = await track(startSlackEmulator({ intervalMs: 100 }));
    const hook = slack.createWebhook();
    const offpath = instance({
      destinations: [
        {
          name: 'alerts',
          type: 'slack',
          url: hook.url,
          noise: false,
          rateLimits: [{ limit: 1, intervalMs: 100 }],
        },
      ],
    });
    for (let i = 0; i < 30; i++)
      offpath.emit({ level: 'error', title: `<!channel> event ${i}`, message: '<!here> <@U123> & <b>' });
    offpath.emit({
      level: 'error',
      title: 'big',
      error: Object.assign(new Error('deep'), { stack: hugeStack }),
      http: { request: { method: 'GET', url: 'https://x.io' }, response: { status: 500, body: hugeBody } },
    });
    await offpath.flush({ timeoutMs: 20_000 });
    expect(slack.received.filter((r) => r.status !== 200)).toEqual([]);
    for (const m of slack.messages()) expect(m.notifications.any).toBe(false);
    expect(offpath.stats()).toMatchObject({ delivered: 31 });
  }, 30_000);

  it('stops for good on a revoked webhook', async () => {
    const slack = await track(startSlackEmulator({ intervalMs: 10 }));
    const hook = slack.createWebhook();
    slack.revokeWebhook(hook.url);
    const offpath = instance({
      destinations: [{ name: 'alerts', type: 'slack', url: hook.url, noise: false, batch: { maxSize: 1 } }],
    });
    for (let i = 0; i < 3; i++) offpath.emit({ level: 'error', message: `m${i}` });
    await offpath.flush();
    expect(slack.received.map((r) => r.status)).toEqual([404]);
    expect(offpath.stats()).toMatchObject({ deadLetteredBy: { destination_gone: 3 } });
  });
});
