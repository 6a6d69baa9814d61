import { describe, expect, it } from 'vitest';
import { createOffpath, type Offpath } from '../../src/index.js';
import { startDiscordEmulator, startSlackEmulator, startTelegramEmulator } from '../../src/testing/index.js';
import { onCleanup, track } from '../helpers/cleanups.js';

function instance(config: Parameters<typeof createOffpath>[0]): Offpath {
  const offpath = createOffpath(config);
  onCleanup(() => offpath.close({ timeoutMs: 1_000 }));
  return offpath;
}

const ROLE = '123456789012345678';
const USER = '98765432109876543';
/** Text that would ping if it were not defused: none of it may notify anyone, critical or not. */
const hostile = {
  title: '@everyone payments down <@&555555555555555555> @here',
  message: '<!channel> <!here> <@U0HOSTILE> <!subteam^SHOSTILE> <@111111111111111111>',
};
const oneAtATime = { noise: false, batch: { maxSize: 1 } } as const;

describe('critical mentions, opt-in', () => {
  it('Discord: a critical message pings exactly the configured role and user; an error pings nobody', async () => {
    const discord = await track(startDiscordEmulator());
    const [hook] = discord.webhooks();
    const offpath = instance({
      destinations: [
        {
          name: 'ops',
          type: 'discord',
          url: hook!.url,
          ...oneAtATime,
          criticalMention: { roles: [ROLE], users: [USER] },
        },
      ],
    });
    offpath.emit({ level: 'critical', ...hostile });
    offpath.emit({ level: 'error', ...hostile });
    await offpath.flush({ timeoutMs: 10_000 });
    const [critical, error] = discord.messages();
    expect(critical!.content).toBe(`🚨 <@&${ROLE}> <@${USER}>`);
    expect(critical!.allowedMentions).toEqual({ parse: [], roles: [ROLE], users: [USER] });
    expect(critical!.mentionsPinged).toEqual({
      everyone: false,
      here: false,
      roles: [ROLE],
      users: [USER],
      any: true,
    });
    expect(error!.content).toBe('');
    expect(error!.allowedMentions).toEqual({ parse: [] });
    expect(error!.mentionsPinged.any).toBe(false);
  });

  it('Discord: without criticalMention a critical message pings nobody', async () => {
    const discord = await track(startDiscordEmulator());
    const [hook] = discord.webhooks();
    const offpath = instance({
      destinations: [{ name: 'ops', type: 'discord', url: hook!.url, ...oneAtATime }],
    });
    offpath.emit({ level: 'critical', ...hostile });
    await offpath.flush({ timeoutMs: 10_000 });
    expect(discord.messages().map((m) => [m.content, m.allowedMentions])).toEqual([['', { parse: [] }]]);
  });

  it('Slack: a critical message notifies exactly the configured group and member', async () => {
    const slack = await track(startSlackEmulator({ intervalMs: 10 }));
    const hook = slack.createWebhook();
    const offpath = instance({
      destinations: [
        {
          name: 'alerts',
          type: 'slack',
          url: hook.url,
          ...oneAtATime,
          criticalMention: { userGroups: ['SAZ94GDB8'], users: ['U024BE7LH'] },
        },
      ],
    });
    offpath.emit({ level: 'critical', ...hostile });
    offpath.emit({ level: 'error', ...hostile });
    await offpath.flush({ timeoutMs: 10_000 });
    const [critical, error] = slack.messages();
    expect(critical!.notifications).toEqual({
      channel: false,
      here: false,
      everyone: false,
      users: ['U024BE7LH'],
      userGroups: ['SAZ94GDB8'],
      any: true,
    });
    expect(critical!.payload['text']).toMatch(/^🚨 <!subteam\^SAZ94GDB8> <@U024BE7LH>\n/);
    expect(error!.notifications.any).toBe(false);
  });

  it('Telegram: a critical message mentions the configured users under its title', async () => {
    const telegram = await track(startTelegramEmulator({ perChatIntervalMs: 10 }));
    const [bot] = telegram.bots();
    const chat = telegram.createChat({ type: 'supergroup' });
    const offpath = instance({
      destinations: [
        {
          name: 'oncall',
          type: 'telegram',
          token: bot!.token,
          chatId: chat.id,
          apiUrl: telegram.url,
          ...oneAtATime,
          criticalMention: { users: [123456789, '@oncall_lead'] },
        },
      ],
    });
    offpath.emit({ level: 'critical', title: 'payments down', message: 'ping @everyone' });
    offpath.emit({ level: 'error', title: 'payments slow' });
    await offpath.flush({ timeoutMs: 10_000 });
    const [critical, error] = telegram.messages(chat.id);
    expect(critical!.text.split('\n').slice(0, 2)).toEqual(['🚨 payments down', '123456789 @oncall_lead']);
    expect(critical!.entities).toContainEqual({
      type: 'text_link',
      offset: '🚨 payments down\n'.length,
      length: 9,
      url: 'tg://user?id=123456789',
    });
    expect(error!.text).not.toContain('oncall_lead');
    expect(error!.entities.filter((e) => e.type === 'text_link')).toEqual([]);
  });
});
