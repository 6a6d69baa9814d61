import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../manual-clock.js';
import { type DiscordEmulator, startDiscordEmulator } from './emulator.js';

let discord: DiscordEmulator;
afterEach(async () => {
  await discord.close();
});

async function post(url: string, body: unknown = { content: 'x' }, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const h = (name: string) => res.headers.get(name);
  return {
    status: res.status,
    h,
    text,
    json: text.startsWith('{') ? (JSON.parse(text) as unknown) : undefined,
  };
}

const RATE_HEADERS = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-ratelimit-reset-after',
  'x-ratelimit-bucket',
];

describe('Discord emulator: rate limits', () => {
  it('allows 5 requests per 2 s per webhook, then 429 with Retry-After rounded up and retry_after in seconds', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    discord = await startDiscordEmulator({ clock });
    const [hook] = discord.webhooks();
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 5; i++) remaining.push((await post(hook!.url)).h('x-ratelimit-remaining'));
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    clock.advance(500);
    const limited = await post(hook!.url);
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: false });
    expect(limited.h('retry-after')).toBe('2');
    expect(limited.h('x-ratelimit-scope')).toBe('user');
    expect(limited.h('x-ratelimit-remaining')).toBe('0');
    expect(limited.h('x-ratelimit-reset-after')).toBe('1.500');
    expect(limited.h('x-ratelimit-reset')).toBe('1700000002.000');
    expect(limited.h('x-ratelimit-global')).toBeNull();
    clock.advance(1500);
    expect((await post(hook!.url)).status).toBe(204);
    expect(discord.messages()).toHaveLength(6);
  });

  it('reports retry_after in milliseconds on unversioned (v6) URLs', async () => {
    const clock = new ManualClock();
    discord = await startDiscordEmulator({ clock });
    const [hook] = discord.webhooks();
    for (let i = 0; i < 5; i++) await post(hook!.legacyUrl);
    clock.advance(250);
    const limited = await post(hook!.legacyUrl);
    expect(limited.json).toEqual({
      message: 'You are being rate limited.',
      retry_after: 1750,
      global: false,
    });
    expect(limited.h('retry-after')).toBe('2');
  });

  it('can send the v6 Retry-After header in milliseconds', async () => {
    const clock = new ManualClock();
    discord = await startDiscordEmulator({ clock, legacyRetryAfterHeader: 'milliseconds' });
    const [hook] = discord.webhooks();
    for (let i = 0; i < 5; i++) await post(hook!.legacyUrl);
    expect((await post(hook!.legacyUrl)).h('retry-after')).toBe('2000');
  });

  it('puts the X-RateLimit headers on every answer of a webhook route', async () => {
    discord = await startDiscordEmulator({ clock: new ManualClock() });
    const [hook] = discord.webhooks();
    const answers = [
      await post(`${hook!.url}?wait=true`),
      await post(hook!.url),
      await post(hook!.url, { content: '' }),
      await post(hook!.url.replace(hook!.token, 'bad')),
      await post(`${discord.url}/api/v10/webhooks/1/abc`),
      await post(hook!.url),
      await post(hook!.url),
      await post(hook!.url),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 204, 400, 401, 404, 204, 204, 429]);
    for (const answer of answers) {
      for (const name of RATE_HEADERS) expect(answer.h(name), `${name} on ${answer.status}`).not.toBeNull();
    }
    const buckets = new Set(answers.map((a) => a.h('x-ratelimit-bucket')));
    expect(buckets.size).toBe(1);
  });

  it('limits a channel to 30 per minute across the webhooks that share it, as a shared-scope 429', async () => {
    const clock = new ManualClock();
    discord = await startDiscordEmulator({ clock, defaultWebhook: false });
    const hooks = Array.from({ length: 7 }, () => discord.createWebhook({ channelId: '100' }));
    const elsewhere = discord.createWebhook({ channelId: '200' });
    for (const hook of hooks.slice(0, 6))
      for (let i = 0; i < 5; i++) expect((await post(hook.url)).status).toBe(204);
    const limited = await post(hooks[6]!.url);
    expect(limited.status).toBe(429);
    expect(limited.h('x-ratelimit-scope')).toBe('shared');
    expect(limited.json).toEqual({
      message: 'The resource is being rate limited.',
      retry_after: 60,
      global: false,
    });
    expect(limited.h('x-ratelimit-remaining')).toBe('5');
    expect((await post(elsewhere.url)).status).toBe(204);
    expect(discord.invalidRequests()).toBe(0);
    clock.advance(60_000);
    expect((await post(hooks[6]!.url)).status).toBe(204);
  });

  it('limits each client IP to 50 requests per second with a global 429', async () => {
    const clock = new ManualClock();
    discord = await startDiscordEmulator({ clock, defaultWebhook: false, trustForwardedFor: true });
    const hooks = Array.from({ length: 11 }, () => discord.createWebhook());
    const statuses: number[] = [];
    for (const hook of hooks) for (let i = 0; i < 5; i++) statuses.push((await post(hook.url)).status);
    expect(statuses.filter((s) => s === 204)).toHaveLength(50);
    const global = await post(hooks[10]!.url);
    expect(global.status).toBe(429);
    expect(global.json).toEqual({ message: 'You are being rate limited.', retry_after: 1, global: true });
    expect(global.h('x-ratelimit-global')).toBe('true');
    expect(global.h('x-ratelimit-scope')).toBe('global');
    expect(global.h('x-ratelimit-bucket')).toBeNull();
    const other = await post(
      discord.createWebhook().url,
      { content: 'x' },
      { 'x-forwarded-for': '10.0.0.2' },
    );
    expect(other.status).toBe(204);
    clock.advance(1000);
    expect((await post(discord.createWebhook().url)).status).toBe(204);
  });

  it('bans an IP over the invalid-request threshold until the window passes', async () => {
    const clock = new ManualClock();
    discord = await startDiscordEmulator({ clock, invalidRequestLimit: 3, invalidRequestWindowMs: 600_000 });
    const [hook] = discord.webhooks();
    const wrong = hook!.url.replace(hook!.token, 'wrong');
    for (let i = 0; i < 3; i++) expect((await post(wrong)).status).toBe(401);
    expect(discord.invalidRequests()).toBe(3);
    const banned = await post(hook!.url);
    expect(banned.status).toBe(403);
    expect(banned.text).toMatch(/banned/);
    expect(discord.invalidRequests()).toBe(3);
    clock.advance(599_999);
    expect((await post(hook!.url)).status).toBe(403);
    clock.advance(1);
    expect((await post(hook!.url)).status).toBe(204);
    expect(discord.invalidRequests()).toBe(0);
  });

  it('counts user-scope 429s as invalid but not 400s, and 404s only when asked', async () => {
    const clock = new ManualClock();
    discord = await startDiscordEmulator({ clock, countNotFoundAsInvalid: true });
    const [hook] = discord.webhooks();
    for (let i = 0; i < 6; i++) await post(hook!.url, { content: '' });
    expect(discord.invalidRequests()).toBe(1);
    await post(`${discord.url}/api/v10/webhooks/1/abc`);
    expect(discord.invalidRequests()).toBe(2);
  });

  it('reset() forgets windows, counters, messages and requests but keeps webhooks', async () => {
    discord = await startDiscordEmulator({ clock: new ManualClock() });
    const [hook] = discord.webhooks();
    for (let i = 0; i < 6; i++) await post(hook!.url);
    expect(discord.invalidRequests()).toBe(1);
    discord.reset();
    expect([discord.received.length, discord.messages().length, discord.invalidRequests()]).toEqual([
      0, 0, 0,
    ]);
    expect((await post(hook!.url)).status).toBe(204);
    expect(discord.received[0]?.seq).toBe(7);
  });
});
