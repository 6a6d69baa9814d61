import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../manual-clock.js';
import { startTelegramEmulator, type TelegramEmulator } from './emulator.js';
import type { TelegramEmulatorOptions } from './options.js';

let tg: TelegramEmulator;
let clock: ManualClock;
afterEach(async () => {
  await tg.close();
});

async function start(options: TelegramEmulatorOptions = {}) {
  clock = new ManualClock(1_700_000_000_000);
  tg = await startTelegramEmulator({ clock, ...options });
  const [bot] = tg.bots();
  const [privateChat, group] = tg.chats();
  return { bot: bot!, privateChat: privateChat!, group: group! };
}

/** The Bot API answer shape, loosely typed for assertions. */
interface BotAnswer {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error_code?: number;
  readonly description?: string;
  readonly parameters?: unknown;
}

async function call(url: string, params: Record<string, unknown>, form = false) {
  const res = await fetch(url, {
    method: 'POST',
    ...(form
      ? {
          body: new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])),
        }
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    json: (await res.json()) as BotAnswer,
  };
}

describe('Telegram emulator', () => {
  it('delivers sendMessage (JSON and form bodies, any method case) and answers the message', async () => {
    const { bot, privateChat } = await start();
    const res = await call(`${bot.apiUrl}/sendMessage`, {
      chat_id: privateChat.id,
      text: 'hello',
      disable_notification: true,
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      ok: true,
      result: {
        message_id: 1,
        from: { id: bot.id, is_bot: true, first_name: 'Emulated Bot', username: bot.username },
        chat: { id: privateChat.id, first_name: 'Emulated User', type: 'private' },
        date: 1_700_000_000,
        text: 'hello',
      },
    });
    clock.advance(1000);
    const form = await call(`${bot.apiUrl}/SENDMESSAGE`, { chat_id: privateChat.id, text: 'form' }, true);
    expect((form.json.result as { message_id: number }).message_id).toBe(2);
    expect(tg.messages(privateChat.id).map((m) => [m.text, m.disableNotification])).toEqual([
      ['hello', true],
      ['form', false],
    ]);
  });

  it('parses HTML, keeps the raw text and counts the limit after parsing', async () => {
    const { bot, group } = await start();
    const html = `<b>${'&lt;'.repeat(4096)}</b>`;
    const res = await call(`${bot.apiUrl}/sendMessage`, {
      chat_id: group.id,
      text: html,
      parse_mode: 'HTML',
    });
    expect(res.status).toBe(200);
    const [message] = tg.messages(group.id);
    expect(message?.text).toBe('<'.repeat(4096));
    expect(message?.rawText).toBe(html);
    expect(message?.entities).toEqual([{ type: 'bold', offset: 0, length: 4096 }]);
  });

  it('rejects text over 4096 after parsing, raw text over 32768 bytes, and empty text', async () => {
    const { bot, privateChat } = await start();
    const send = (text: string, parse_mode?: string) =>
      call(`${bot.apiUrl}/sendMessage`, {
        chat_id: privateChat.id,
        text,
        ...(parse_mode ? { parse_mode } : {}),
      });
    expect((await send('x'.repeat(4097))).json).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: message is too long',
    });
    expect((await send('😀'.repeat(2049))).json.description).toBe('Bad Request: message is too long');
    // 16_381 two-byte letters + 7 bytes of tags = 32_769 bytes, one over the raw limit.
    expect((await send(`<b>${'é'.repeat(16_381)}</b>`, 'HTML')).json.description).toBe(
      'Bad Request: text is too long',
    );
    expect((await send('')).json.description).toBe('Bad Request: message text is empty');
    expect((await send('<b> </b>', 'HTML')).json.description).toBe('Bad Request: message text is empty');
    expect(tg.messages()).toEqual([]);
  });

  it('answers parse errors with a UTF-8 byte offset', async () => {
    const { bot, privateChat } = await start();
    const res = await call(`${bot.apiUrl}/sendMessage`, {
      chat_id: privateChat.id,
      text: 'Статус <200>',
      parse_mode: 'html',
    });
    expect(res.json).toEqual({
      ok: false,
      error_code: 400,
      description: `Bad Request: can't parse entities: Unsupported start tag "200" at byte offset 13`,
    });
    const md = await call(`${bot.apiUrl}/sendMessage`, {
      chat_id: privateChat.id,
      text: 'v1.2',
      parse_mode: 'MarkdownV2',
    });
    expect(md.json.description).toBe(
      `Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'`,
    );
    const mode = await call(`${bot.apiUrl}/sendMessage`, {
      chat_id: privateChat.id,
      text: 'x',
      parse_mode: 'rtf',
    });
    expect(mode.json.description).toBe('Bad Request: unsupported parse_mode');
  });

  it('answers 401 for malformed, unknown and revoked tokens', async () => {
    const { bot, privateChat } = await start();
    const malformed = await call(`${tg.url}/botnot-a-token/sendMessage`, { chat_id: 1, text: 'x' });
    expect(malformed).toMatchObject({
      status: 401,
      json: { ok: false, error_code: 401, description: 'Unauthorized: invalid token specified' },
    });
    expect((await call(`${tg.url}/bot123:abc/getMe`, {})).json.description).toBe('Unauthorized');
    tg.revokeBot(bot.token, { afterRequests: 1 });
    expect((await call(`${bot.apiUrl}/sendMessage`, { chat_id: privateChat.id, text: 'a' })).status).toBe(
      200,
    );
    expect((await call(`${bot.apiUrl}/sendMessage`, { chat_id: privateChat.id, text: 'b' })).status).toBe(
      401,
    );
  });

  it('answers chat not found, deleted chats, unknown methods and missing chat_id', async () => {
    const { bot, privateChat, group } = await start();
    const send = (chat_id: unknown) => call(`${bot.apiUrl}/sendMessage`, { chat_id, text: 'x' });
    expect((await send(12345)).json.description).toBe('Bad Request: chat not found');
    expect((await send('')).json.description).toBe('Bad Request: chat_id is empty');
    tg.deleteChat(group.id);
    expect(await send(group.id)).toMatchObject({
      status: 403,
      json: { description: 'Forbidden: the group chat was deleted' },
    });
    tg.deleteChat(privateChat.id);
    expect((await send(privateChat.id)).json.description).toBe('Forbidden: bot was blocked by the user');
    expect((await call(`${bot.apiUrl}/sendSticker`, {})).json).toEqual({
      ok: false,
      error_code: 404,
      description: 'Not Found: method not found',
    });
  });

  it('answers a migrated group with migrate_to_chat_id, and the new supergroup accepts messages', async () => {
    const { bot } = await start();
    const old = tg.createChat({ type: 'group', id: -4001, migrateTo: -1004001 });
    const res = await call(`${bot.apiUrl}/sendMessage`, { chat_id: old.id, text: 'x' });
    expect(res.json).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
      parameters: { migrate_to_chat_id: -1004001 },
    });
    expect((await call(`${bot.apiUrl}/sendMessage`, { chat_id: -1004001, text: 'x' })).status).toBe(200);
  });

  it('checks message_thread_id against the forum topics and finds chats by @username', async () => {
    const { bot } = await start();
    const forum = tg.createChat({ type: 'supergroup', username: 'ops_room', topics: [7] });
    expect(
      (await call(`${bot.apiUrl}/sendMessage`, { chat_id: '@ops_room', text: 'x', message_thread_id: 8 }))
        .json.description,
    ).toBe('Bad Request: message thread not found');
    const ok = await call(`${bot.apiUrl}/sendMessage`, {
      chat_id: '@ops_room',
      text: 'x',
      message_thread_id: 7,
    });
    expect(ok.json.result).toMatchObject({ message_thread_id: 7, chat: { id: forum.id, is_forum: true } });
    expect(tg.messages(forum.id)[0]?.threadId).toBe(7);
  });

  it('paces one chat to 1 message per second, with a configurable burst', async () => {
    const { bot, privateChat } = await start();
    const send = () => call(`${bot.apiUrl}/sendMessage`, { chat_id: privateChat.id, text: 'x' });
    expect((await send()).status).toBe(200);
    clock.advance(400);
    const limited = await send();
    expect(limited).toEqual({
      status: 429,
      retryAfter: '1',
      json: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
    });
    clock.advance(600);
    expect((await send()).status).toBe(200);
    await tg.close();
    const again = await start({ perChatBurst: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await call(`${again.bot.apiUrl}/sendMessage`, { chat_id: again.privateChat.id, text: 'x' })).status,
      );
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('limits a group to 20 messages per minute', async () => {
    const { bot, group } = await start();
    for (let i = 0; i < 20; i++) {
      expect((await call(`${bot.apiUrl}/sendMessage`, { chat_id: group.id, text: `m${i}` })).status).toBe(
        200,
      );
      clock.advance(1000);
    }
    const limited = await call(`${bot.apiUrl}/sendMessage`, { chat_id: group.id, text: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.json.parameters).toEqual({ retry_after: 40 });
    clock.advance(40_000);
    expect((await call(`${bot.apiUrl}/sendMessage`, { chat_id: group.id, text: 'x' })).status).toBe(200);
  });

  it('limits a bot to 30 messages per second across chats', async () => {
    const { bot } = await start();
    const chats = Array.from({ length: 31 }, () => tg.createChat({ type: 'private' }));
    const statuses: number[] = [];
    for (const chat of chats)
      statuses.push((await call(`${bot.apiUrl}/sendMessage`, { chat_id: chat.id, text: 'x' })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses[30]).toBe(429);
    const other = tg.createBot();
    expect((await call(`${other.apiUrl}/sendMessage`, { chat_id: chats[30]!.id, text: 'x' })).status).toBe(
      200,
    );
  });

  it('answers getMe and getChat probes without sending anything', async () => {
    const { bot, group } = await start();
    expect((await call(`${bot.apiUrl}/getMe`, {})).json.result).toMatchObject({
      id: bot.id,
      is_bot: true,
      username: bot.username,
    });
    expect((await call(`${bot.apiUrl}/getChat`, { chat_id: group.id })).json.result).toEqual({
      id: group.id,
      title: 'Emulated supergroup',
      type: 'supergroup',
    });
    expect((await call(`${bot.apiUrl}/getChat`, { chat_id: 1 })).json.description).toBe(
      'Bad Request: chat not found',
    );
    expect(tg.messages()).toEqual([]);
  });

  it('formats injected failures and 429s like the Bot API', async () => {
    const { bot, privateChat } = await start();
    tg.faults.failNext(1, 502);
    tg.faults.rateLimitNext(1, 7);
    expect(await call(`${bot.apiUrl}/sendMessage`, { chat_id: privateChat.id, text: 'x' })).toEqual({
      status: 429,
      retryAfter: '7',
      json: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 7',
        parameters: { retry_after: 7 },
      },
    });
    expect((await call(`${bot.apiUrl}/sendMessage`, { chat_id: privateChat.id, text: 'x' })).json).toEqual({
      ok: false,
      error_code: 502,
      description: 'Bad Gateway',
    });
  });

  it('describes the bot token and the chats', async () => {
    const { bot, privateChat, group } = await start();
    const text = tg.describe().join('\n');
    for (const part of [bot.token, `${bot.apiUrl}/sendMessage`, String(privateChat.id), String(group.id)])
      expect(text).toContain(part);
  });
});
