import { describe, expect, it } from 'vitest';
import { createOffpath, type Offpath } from '../../src/index.js';
import {
  startCollectorEmulator,
  startDiscordEmulator,
  startSlackEmulator,
  startTelegramEmulator,
} from '../../src/testing/index.js';
import { onCleanup, track } from '../helpers/cleanups.js';

function instance(config: Parameters<typeof createOffpath>[0]): Offpath {
  const offpath = createOffpath(config);
  onCleanup(() => offpath.close({ timeoutMs: 1_000 }));
  return offpath;
}

const titlesOf = (messages: ReadonlyArray<{ embeds: readonly unknown[] }>): string[] =>
  messages.flatMap((m) => (m.embeds as Array<{ title: string }>).map((e) => e.title));

describe('chat destinations start at warn', () => {
  it('a Discord destination gets warn and above, not info; an HTTP collector beside it gets info', async () => {
    const discord = await track(startDiscordEmulator());
    const collector = await startCollectorEmulator();
    onCleanup(() => collector.close());
    const [hook] = discord.webhooks();
    const offpath = instance({
      destinations: [
        { name: 'ops', type: 'discord', url: hook!.url, noise: false },
        { name: 'logs', type: 'http', url: `${collector.url}/ingest` },
      ],
    });
    offpath.emit({ level: 'info', title: 'started' });
    offpath.emit({ level: 'warn', title: 'slow' });
    offpath.emit({ level: 'error', title: 'failed' });
    await offpath.flush({ timeoutMs: 10_000 });
    expect(titlesOf(discord.messages())).toEqual(['🟠 slow', '🔴 failed']);
    expect(collector.items().map((item) => (item as { title: string }).title)).toEqual([
      'started',
      'slow',
      'failed',
    ]);
    expect(offpath.stats().destinations['ops']).toMatchObject({ accepted: 2, delivered: 2 });
  });

  it('an explicit minLevel wins over the default', async () => {
    const discord = await track(startDiscordEmulator());
    const [hook] = discord.webhooks();
    const offpath = instance({
      destinations: [{ name: 'ops', type: 'discord', url: hook!.url, noise: false, minLevel: 'info' }],
    });
    offpath.emit({ level: 'debug', title: 'detail' });
    offpath.emit({ level: 'info', title: 'started' });
    await offpath.flush({ timeoutMs: 10_000 });
    expect(titlesOf(discord.messages())).toEqual(['🟢 started']);
  });

  it('Telegram and Slack take the same default', async () => {
    const telegram = await track(startTelegramEmulator({ perChatIntervalMs: 10 }));
    const slack = await track(startSlackEmulator({ intervalMs: 10 }));
    const [bot] = telegram.bots();
    const chat = telegram.createChat({ type: 'private' });
    const hook = slack.createWebhook();
    const offpath = instance({
      destinations: [
        {
          name: 'tg',
          type: 'telegram',
          token: bot!.token,
          chatId: chat.id,
          apiUrl: telegram.url,
          noise: false,
        },
        { name: 'sl', type: 'slack', url: hook.url, noise: false },
      ],
    });
    offpath.emit({ level: 'info', title: 'started' });
    offpath.emit({ level: 'warn', title: 'slow' });
    await offpath.flush({ timeoutMs: 10_000 });
    const tgTexts = telegram.messages(chat.id).map((m) => m.text);
    expect(tgTexts).toEqual([expect.stringContaining('slow')]);
    expect(slack.messages().map((m) => m.payload['text'])).toEqual([expect.stringContaining('slow')]);
  });
});
