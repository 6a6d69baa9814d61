import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../manual-clock.js';
import { type DiscordEmulator, startDiscordEmulator } from './emulator.js';
import type { DiscordEmulatorOptions } from './options.js';

let discord: DiscordEmulator;
afterEach(async () => {
  await discord.close();
});

/** Generous limits so functional tests never meet a 429. */
async function start(options: DiscordEmulatorOptions = {}): Promise<DiscordEmulator> {
  discord = await startDiscordEmulator({
    clock: new ManualClock(),
    webhookLimit: 1000,
    channelLimit: 1000,
    ...options,
  });
  return discord;
}

async function send(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { method: 'POST', ...init });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const postJson = (url: string, body: unknown) =>
  send(url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('Discord emulator: Execute Webhook', () => {
  it('answers 204 without wait and keeps the message', async () => {
    await start();
    const [hook] = discord.webhooks();
    const res = await postJson(hook!.url, { content: 'hello', username: 'deploy bot' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(discord.messages().map((m) => [m.content, m.username, m.webhookId])).toEqual([
      ['hello', 'deploy bot', hook!.id],
    ]);
    expect(discord.received[0]?.body).toEqual({ content: 'hello', username: 'deploy bot' });
    expect(discord.received[0]?.status).toBe(204);
  });

  it.each(['true', 'True', '1'])('answers 200 with the message object for wait=%s', async (wait) => {
    await start();
    const [hook] = discord.webhooks();
    const res = await postJson(`${hook!.url}?wait=${wait}`, { content: 'hi', embeds: [{ title: 't' }] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: discord.messages()[0]?.id,
      type: 0,
      content: 'hi',
      channel_id: hook!.channelId,
      embeds: [{ title: 't', type: 'rich' }],
      webhook_id: hook!.id,
      timestamp: new Date(1_700_000_000_000).toISOString(),
    });
  });

  it('treats wait=false like no wait and rejects a non-boolean wait', async () => {
    await start();
    const [hook] = discord.webhooks();
    expect((await postJson(`${hook!.url}?wait=false`, { content: 'a' })).status).toBe(204);
    const bad = await postJson(`${hook!.url}?wait=maybe`, { content: 'a' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      code: 50035,
      errors: { wait: { _errors: [{ code: 'BOOLEAN_TYPE_PARSE' }] } },
    });
  });

  it('posts into a thread with thread_id', async () => {
    await start();
    const [hook] = discord.webhooks();
    const res = await postJson(`${hook!.url}?wait=1&thread_id=123456789`, { content: 'in thread' });
    expect(res.json).toMatchObject({ channel_id: '123456789' });
    expect(discord.messages()[0]?.threadId).toBe('123456789');
  });

  it('accepts form-urlencoded bodies', async () => {
    await start();
    const [hook] = discord.webhooks();
    const res = await send(hook!.url, { body: new URLSearchParams({ content: 'from a form', tts: 'true' }) });
    expect(res.status).toBe(204);
    expect(discord.messages()[0]).toMatchObject({ content: 'from a form', tts: true });
  });

  it('accepts multipart with payload_json and files[n]', async () => {
    await start();
    const [hook] = discord.webhooks();
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 'with a file', attachments: [{ id: 0 }] }));
    form.append('files[0]', new Blob(['curl -X GET']), 'request.sh');
    const res = await send(`${hook!.url}?wait=true`, { body: form });
    expect(res.status).toBe(200);
    expect(discord.messages()[0]?.content).toBe('with a file');
    expect(discord.messages()[0]?.files).toEqual([
      { field: 'files[0]', filename: 'request.sh', size: 11, contentType: 'application/octet-stream' },
    ]);
  });

  it('rejects a file over the size limit with 413 and 40005', async () => {
    await start({ limits: { fileBytes: 10 } });
    const [hook] = discord.webhooks();
    const form = new FormData();
    form.append('files[0]', new Blob(['x'.repeat(11)]), 'big.txt');
    const res = await send(hook!.url, { body: form });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ message: 'Request entity too large', code: 40005 });
  });

  it('rejects other content types with 50035 CONTENT_TYPE_INVALID', async () => {
    await start();
    const [hook] = discord.webhooks();
    const res = await send(hook!.url, { headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      message: 'Invalid Form Body',
      code: 50035,
      errors: {
        _errors: [
          {
            code: 'CONTENT_TYPE_INVALID',
            message: `Expected "Content-Type" header to be one of {'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'}.`,
          },
        ],
      },
    });
  });

  it('answers 50109 for invalid JSON and 50006 for an empty message', async () => {
    await start();
    const [hook] = discord.webhooks();
    const bad = await send(hook!.url, {
      headers: { 'content-type': 'application/json' },
      body: '{"content":',
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ message: 'The request body contains invalid JSON.', code: 50109 });
    const empty = await postJson(hook!.url, { content: '' });
    expect(empty.status).toBe(400);
    expect(empty.json).toEqual({ message: 'Cannot send an empty message', code: 50006 });
    expect(discord.messages()).toEqual([]);
  });

  it('answers 401 50027 for a wrong token and 404 10015 for an unknown webhook', async () => {
    await start();
    const [hook] = discord.webhooks();
    const wrong = await postJson(hook!.url.replace(hook!.token, 'nope'), { content: 'x' });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ message: 'Invalid Webhook Token', code: 50027 });
    const unknown = await postJson(`${discord.url}/api/v10/webhooks/42/abc`, { content: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ message: 'Unknown Webhook', code: 10015 });
  });

  it('deletes a webhook mid-run after the given number of requests', async () => {
    await start();
    const [hook] = discord.webhooks();
    discord.deleteWebhook(hook!.id, { afterRequests: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await postJson(hook!.url, { content: `m${i}` })).status);
    expect(statuses).toEqual([204, 204, 404, 404]);
    expect(discord.messages()).toHaveLength(2);
    expect(discord.webhooks()).toEqual([]);
  });

  it('answers a GET probe with the webhook object, or the same errors as a post', async () => {
    await start();
    const hook = discord.createWebhook({ channelId: '555', guildId: '777', name: 'alerts' });
    const res = await fetch(hook.url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      application_id: null,
      avatar: null,
      channel_id: '555',
      guild_id: '777',
      id: hook.id,
      name: 'alerts',
      type: 1,
      token: hook.token,
    });
    expect(res.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
    expect((await fetch(hook.url.replace(hook.token, 'x'))).status).toBe(401);
    discord.deleteWebhook(hook.id);
    expect(await (await fetch(hook.url)).json()).toEqual({ message: 'Unknown Webhook', code: 10015 });
    expect(discord.messages()).toEqual([]);
  });

  it('deletes a webhook on DELETE with its token and answers 405 to other methods', async () => {
    await start();
    const hook = discord.createWebhook();
    expect((await fetch(hook.url, { method: 'PUT' })).status).toBe(405);
    expect((await fetch(hook.url.replace(hook.token, 'x'), { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(hook.url, { method: 'DELETE' })).status).toBe(204);
    expect((await postJson(hook.url, { content: 'x' })).json).toEqual({
      message: 'Unknown Webhook',
      code: 10015,
    });
  });

  it('uses the flat error format on unversioned URLs and the nested one on v10', async () => {
    await start();
    const [hook] = discord.webhooks();
    const body = { embeds: Array.from({ length: 2 }, () => ({ description: 'd'.repeat(3001) })) };
    expect((await postJson(hook!.legacyUrl, body)).json).toEqual({
      embeds: ['Embed size exceeds maximum size of 6000'],
    });
    expect((await postJson(hook!.url, body)).json).toEqual({
      message: 'Invalid Form Body',
      code: 50035,
      errors: {
        embeds: {
          _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }],
        },
      },
    });
    await discord.close();
    await start({ legacyErrorFormat: 'nested' });
    const [other] = discord.webhooks();
    expect((await postJson(other!.legacyUrl, body)).json).toMatchObject({ code: 50035 });
  });

  it('rejects API versions Discord no longer serves', async () => {
    await start();
    const [hook] = discord.webhooks();
    const res = await postJson(hook!.url.replace('/v10/', '/v5/'), { content: 'x' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ message: 'Invalid API version', code: 50041 });
    expect((await postJson(hook!.url.replace('/v10/', '/v9/'), { content: 'x' })).status).toBe(204);
  });

  it('needs exactly one of thread_name or thread_id on a forum webhook', async () => {
    await start();
    const forum = discord.createWebhook({ forum: true });
    expect((await postJson(forum.url, { content: 'x' })).json).toMatchObject({ code: 220001 });
    expect(
      (await postJson(`${forum.url}?thread_id=9`, { content: 'x', thread_name: 't' })).json,
    ).toMatchObject({
      code: 220002,
    });
    expect((await postJson(forum.url, { content: 'x', thread_name: 'incident 42' })).status).toBe(204);
    expect(discord.messages()[0]).toMatchObject({ threadName: 'incident 42' });
  });

  it('records who would be pinged, honouring allowed_mentions and the webhook default', async () => {
    await start();
    const [hook] = discord.webhooks();
    const content = '@everyone @here <@111> <@!222> <@&333>';
    await postJson(hook!.url, { content });
    await postJson(hook!.url, { content, allowed_mentions: { parse: [] } });
    await postJson(hook!.url, {
      content,
      allowed_mentions: { parse: ['everyone', 'roles'], users: ['222'] },
    });
    await postJson(hook!.url, { content: 'no mentions', embeds: [{ description: '@everyone' }] });
    const pinged = discord.messages().map((m) => m.mentionsPinged);
    expect(pinged[0]).toEqual({ everyone: false, here: false, users: ['111', '222'], roles: [], any: true });
    expect(pinged[1]).toEqual({ everyone: false, here: false, users: [], roles: [], any: false });
    expect(pinged[2]).toEqual({ everyone: true, here: true, users: ['222'], roles: ['333'], any: true });
    expect(pinged[3]?.any).toBe(false);
  });

  it('formats injected failures and 429s like Discord, in each version unit', async () => {
    await start();
    const [hook] = discord.webhooks();
    discord.faults.failNext(1, 502);
    const failed = await postJson(hook!.url, { content: 'x' });
    expect(failed.status).toBe(502);
    expect(failed.json).toEqual({ message: '502: Bad Gateway', code: 0 });
    expect(failed.headers.get('x-ratelimit-limit')).toBe('1000');
    discord.faults.rateLimitNext(2, 1.5);
    const v10 = await postJson(hook!.url, { content: 'x' });
    expect([v10.status, v10.headers.get('retry-after'), v10.headers.get('x-ratelimit-scope')]).toEqual([
      429,
      '2',
      'user',
    ]);
    expect(v10.json).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: false });
    const v6 = await postJson(hook!.legacyUrl, { content: 'x' });
    expect(v6.json).toEqual({ message: 'You are being rate limited.', retry_after: 1500, global: false });
    expect(v6.headers.get('retry-after')).toBe('2');
    expect(discord.messages()).toEqual([]);
  });

  it('answers 404 with code 0 outside the webhook routes', async () => {
    await start();
    const res = await postJson(`${discord.url}/api/v10/channels/1/messages`, { content: 'x' });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ message: '404: Not Found', code: 0 });
  });

  it('lists ready-to-use URLs in describe()', async () => {
    await start();
    const [hook] = discord.webhooks();
    const lines = discord.describe().join('\n');
    expect(lines).toContain(hook!.url);
    expect(lines).toContain(hook!.legacyUrl);
    expect(lines).toContain(discord.url);
  });

  it('starts without a webhook when asked', async () => {
    await start({ defaultWebhook: false });
    expect(discord.webhooks()).toEqual([]);
  });
});
