import { describe, expect, it } from 'vitest';
import { discordSink } from '../sinks/discord/discord-sink.js';
import { telegramSink } from '../sinks/telegram/telegram-sink.js';
import { divideWindows, limiterPlan } from './limiter-plan.js';

const DISCORD = 'https://discord.com/api/webhooks/123456789012345678/very-secret-token';

describe('limiterPlan', () => {
  it('counts Discord per webhook and per channel, keyed by the public webhook id only', () => {
    const plan = limiterPlan(
      { type: 'discord', url: DISCORD },
      discordSink({ url: DISCORD }).rateLimits ?? [],
    );
    expect(plan).toEqual({
      key: 'discord:123456789012345678',
      windows: [
        { limit: 5, intervalMs: 2_000, scope: 'discord:123456789012345678' },
        { limit: 30, intervalMs: 60_000, scope: 'discord-channel:123456789012345678' },
      ],
    });
    const shared = limiterPlan(
      { type: 'discord', url: DISCORD, channelId: '99' },
      discordSink({ url: DISCORD }).rateLimits ?? [],
    );
    expect(shared.windows[1]!.scope).toBe('discord-channel:99');
  });

  it('counts Telegram per chat and per bot, with the token hashed', () => {
    const token = '123456:ABC-secret';
    const sink = telegramSink({ token, chatId: -1001 });
    const a = limiterPlan({ type: 'telegram', token, chatId: -1001 }, sink.rateLimits ?? []);
    const b = limiterPlan(
      { type: 'telegram', token, chatId: 42 },
      telegramSink({ token, chatId: 42 }).rateLimits ?? [],
    );
    expect(a.windows.map((w) => [w.limit, w.intervalMs])).toEqual([
      [1, 1_000],
      [20, 60_000],
      [30, 1_000],
    ]);
    expect(a.key).not.toBe(b.key);
    expect(a.windows.at(-1)!.scope).toBe(b.windows.at(-1)!.scope);
    expect(JSON.stringify([a, b])).not.toContain('secret');
  });

  it('keys Slack and HTTP collectors by a hash of their URL', () => {
    const slack = limiterPlan({ type: 'slack', url: 'https://hooks.slack.com/services/T1/B2/secret' }, [
      { limit: 1, intervalMs: 1_000 },
    ]);
    const http = limiterPlan({ type: 'http', url: 'https://user:pw@collector/x' }, [
      { limit: 50, intervalMs: 1_000 },
    ]);
    expect(slack.key).toMatch(/^slack:[0-9a-f]{16}$/);
    expect(http.windows).toEqual([{ limit: 50, intervalMs: 1_000, scope: http.key }]);
    expect(JSON.stringify([slack, http])).not.toMatch(/secret|pw/);
  });
});

describe('divideWindows', () => {
  it('gives each replica an equal share whose sum never exceeds the limit', () => {
    const windows = [
      { limit: 5, intervalMs: 2_000, scope: 's' },
      { limit: 30, intervalMs: 60_000, scope: 's' },
      { limit: 1, intervalMs: 1_000, scope: 's' },
    ];
    expect(divideWindows(windows, 4)).toEqual([
      { limit: 1, intervalMs: 2_000, scope: 's' },
      { limit: 7, intervalMs: 60_000, scope: 's' },
      { limit: 1, intervalMs: 4_000, scope: 's' },
    ]);
    for (const replicas of [1, 2, 3, 4, 7, 16]) {
      for (const [i, w] of divideWindows(windows, replicas).entries()) {
        expect((w.limit / w.intervalMs) * replicas).toBeLessThanOrEqual(
          windows[i]!.limit / windows[i]!.intervalMs + 1e-12,
        );
      }
    }
    expect(() => divideWindows(windows, 0)).toThrow(TypeError);
  });
});
