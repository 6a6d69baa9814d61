/**
 * A local Telegram Bot API: `/bot<token>/sendMessage`, `getMe` and `getChat`, with the real server's error
 * texts, parse-mode checking and flood limits.
 * @module
 */
import { STATUS_CODES } from 'node:http';
import { createSeededRandom } from '../seeded-random.js';
import {
  type EmulatorHandle,
  type EmulatorRequest,
  type EmulatorResponse,
  startEmulatorServer,
} from '../server.js';
import {
  type ResolvedTelegramOptions,
  resolveTelegramOptions,
  type TelegramEmulatorOptions,
} from './options.js';
import { readParams } from './params.js';
import { TelegramRateLimits } from './rate-limits.js';
import { badRequest, fail, ok, tooManyRequests } from './responses.js';
import { type MethodContext, resolveChat, sendMessage } from './send-message.js';
import { type CreateChatOptions, type TelegramChat, type TelegramMessage, TelegramStore } from './store.js';

/** A created bot. */
export interface TelegramBotInfo {
  readonly id: number;
  readonly token: string;
  readonly username: string;
  /** `<base>/bot<token>`: append `/sendMessage`. */
  readonly apiUrl: string;
}

/** A running Telegram emulator. */
export interface TelegramEmulator extends EmulatorHandle {
  /** The options in force, defaults applied. */
  readonly options: ResolvedTelegramOptions;
  /** Creates a bot with a token of the real shape. */
  createBot(): TelegramBotInfo;
  /** Revokes a token: later calls get 401. `afterRequests: n` revokes it after n more requests. */
  revokeBot(token: string, options?: { readonly afterRequests?: number }): void;
  /** Creates a chat every bot can post to. */
  createChat(options?: CreateChatOptions): TelegramChat;
  /** Deletes a chat: groups answer 403 "the group chat was deleted", private chats "bot was blocked by the user". */
  deleteChat(id: number, options?: { readonly afterRequests?: number }): void;
  /** Live bots in creation order. */
  bots(): TelegramBotInfo[];
  /** Chats in creation order. */
  chats(): TelegramChat[];
  /** Delivered messages in order, optionally of one chat. */
  messages(chatId?: number | string): TelegramMessage[];
}

const ROUTE = /^\/bot([^/]*)\/([A-Za-z]+)\/?$/;
const TOKEN_SHAPE = /^\d{1,20}:[A-Za-z0-9_-]{1,80}$/;

/**
 * Starts a Telegram Bot API emulator on 127.0.0.1.
 * @example
 * const tg = await startTelegramEmulator();
 * const [bot] = tg.bots();
 * const [chat] = tg.chats();
 * await fetch(`${bot.apiUrl}/sendMessage`, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ chat_id: chat.id, text: '<b>hi</b>', parse_mode: 'HTML' }),
 * });
 * tg.messages(chat.id)[0].text; // 'hi'
 */
export async function startTelegramEmulator(
  options: TelegramEmulatorOptions = {},
): Promise<TelegramEmulator> {
  const resolved = resolveTelegramOptions(options);
  const store = new TelegramStore(createSeededRandom(options.seed ?? 1));
  const limits = new TelegramRateLimits(resolved);

  const handle = async (req: EmulatorRequest): Promise<EmulatorResponse> => {
    const route = ROUTE.exec(req.path);
    if (!route) return fail(404, 'Not Found');
    const token = safeDecode(route[1] ?? '');
    if (!TOKEN_SHAPE.test(token)) return fail(401, 'Unauthorized: invalid token specified');
    const bot = store.bots.get(token);
    if (!bot || bot.revoked) return fail(401, 'Unauthorized');
    const read = await readParams(req);
    if (!read.ok) return badRequest(read.reason);
    req.setParsedBody(read.params);
    const ctx: MethodContext = { store, options: resolved, limits, bot, time: req.time };
    switch ((route[2] ?? '').toLowerCase()) {
      case 'sendmessage':
        return sendMessage(read.params, ctx);
      case 'getme':
        return ok({
          id: bot.id,
          is_bot: true,
          first_name: bot.firstName,
          username: bot.username,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
      case 'getchat': {
        const found = resolveChat((read.params as { chat_id?: unknown }).chat_id, store);
        return 'error' in found ? found.error : ok(store.chatObject(found.chat));
      }
      default:
        return fail(404, 'Not Found: method not found');
    }
  };

  const server = await startEmulatorServer(
    {
      handle,
      failure: (_req, status) => fail(status, STATUS_CODES[status] ?? 'Error'),
      rateLimited: (_req, retryAfterSec) => tooManyRequests(retryAfterSec * 1000),
    },
    options,
  );
  const botInfo = (b: { id: number; token: string; username: string }): TelegramBotInfo => ({
    id: b.id,
    token: b.token,
    username: b.username,
    apiUrl: `${server.url}/bot${b.token}`,
  });
  store.maxMessages = server.maxRecords;
  if (options.defaults ?? true) {
    store.createBot();
    store.createChat({ type: 'private' });
    store.createChat({ type: 'supergroup' });
  }

  const describe = (): string[] => {
    const r = resolved;
    const lines = [`Telegram Bot API emulator listening on ${server.url}`];
    for (const b of store.bots.values()) {
      if (!b.revoked)
        lines.push(`  bot token ${b.token}`, `    POST ${server.url}/bot${b.token}/sendMessage`);
    }
    for (const c of store.chats.values()) {
      lines.push(
        `  chat_id ${c.id} (${c.type}${c.title ? ` "${c.title}"` : ''}${c.deleted ? ', deleted' : ''})`,
      );
    }
    lines.push(
      `  limits: ${r.perChatBurst} per ${r.perChatIntervalMs} ms per chat, ${r.perGroupLimit}/${r.perGroupWindowMs} ms per group, ${r.perBotLimit}/${r.perBotWindowMs} ms per bot; text ${r.maxTextLength} after parsing`,
    );
    return lines;
  };
  return {
    ...server.handle({
      resetState() {
        limits.reset();
        store.messages.length = 0;
      },
      describe,
      readBack: () => ({ messages: [...store.messages] }),
    }),
    options: resolved,
    createBot: () => botInfo(store.createBot()),
    revokeBot(token, o = {}) {
      const bot = store.bots.get(token);
      if (!bot) throw new RangeError('unknown bot token');
      server.faults.afterRequests(o.afterRequests ?? 0, () => {
        bot.revoked = true;
      });
    },
    createChat: (o) => store.createChat(o),
    deleteChat(id, o = {}) {
      const chat = store.chats.get(id);
      if (!chat) throw new RangeError(`unknown chat ${id}`);
      server.faults.afterRequests(o.afterRequests ?? 0, () => {
        chat.deleted = true;
      });
    },
    bots: () => [...store.bots.values()].filter((b) => !b.revoked).map(botInfo),
    chats: () => [...store.chats.values()],
    messages: (chatId) => store.messages.filter((m) => chatId === undefined || m.chatId === Number(chatId)),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
