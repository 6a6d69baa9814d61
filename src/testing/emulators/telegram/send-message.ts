/**
 * `sendMessage` and the chat lookup shared with `getChat`: parameter checks in the real server's order,
 * parse-mode checking, the 4096-character limit after parsing, flood limits, delivery.
 * @module
 */
import { parseJson } from '../body.js';
import type { EmulatorResponse } from '../server.js';
import { measureLength } from '../text-length.js';
import type { MessageEntity, ParsedText } from './entities.js';
import { parseTelegramHtml } from './html-parser.js';
import { parseTelegramMarkdown } from './markdown-parser.js';
import { parseTelegramMarkdownV2 } from './markdown-v2-parser.js';
import type { ResolvedTelegramOptions } from './options.js';
import { flag, stringParam } from './params.js';
import type { TelegramRateLimits } from './rate-limits.js';
import { badRequest, fail, ok, tooManyRequests } from './responses.js';
import type { TelegramBot, TelegramChat, TelegramMessage, TelegramStore } from './store.js';

/** What one call needs. */
export interface MethodContext {
  readonly store: TelegramStore;
  readonly options: ResolvedTelegramOptions;
  readonly limits: TelegramRateLimits;
  readonly bot: TelegramBot;
  readonly time: number;
}

/** Finds the chat named by `chat_id`, or the error the Bot API gives. */
export function resolveChat(
  chatIdParam: unknown,
  store: TelegramStore,
): { readonly chat: TelegramChat } | { readonly error: EmulatorResponse } {
  const chatId = stringParam(chatIdParam)?.trim() ?? '';
  if (chatId === '') return { error: badRequest('chat_id is empty') };
  const chat = store.findChat(chatId);
  if (!chat) return { error: badRequest('chat not found') };
  if (chat.deleted) {
    return {
      error:
        chat.type === 'private'
          ? fail(403, 'Forbidden: bot was blocked by the user')
          : fail(403, 'Forbidden: the group chat was deleted'),
    };
  }
  if (chat.migrateTo !== undefined) {
    return {
      error: badRequest('group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: chat.migrateTo,
      }),
    };
  }
  return { chat };
}

/** Handles `sendMessage`. */
export function sendMessage(params: Record<string, unknown>, ctx: MethodContext): EmulatorResponse {
  const { options } = ctx;
  const p = params as {
    readonly chat_id?: unknown;
    readonly text?: unknown;
    readonly parse_mode?: unknown;
    readonly message_thread_id?: unknown;
    readonly entities?: unknown;
    readonly disable_notification?: unknown;
    readonly protect_content?: unknown;
  };
  if ((stringParam(p.chat_id)?.trim() ?? '') === '') return badRequest('chat_id is empty');
  const rawText = stringParam(p.text) ?? '';
  if (rawText === '') return badRequest('message text is empty');
  if (Buffer.byteLength(rawText, 'utf8') > options.maxRawTextBytes) return badRequest('text is too long');
  const parseMode = (stringParam(p.parse_mode) ?? '').toLowerCase();
  if (!['', 'none', 'html', 'markdown', 'markdownv2'].includes(parseMode))
    return badRequest('unsupported parse_mode');

  const found = resolveChat(p.chat_id, ctx.store);
  if ('error' in found) return found.error;
  const { chat } = found;
  let threadId: number | undefined;
  if (p.message_thread_id !== undefined && p.message_thread_id !== '') {
    threadId = Number(p.message_thread_id);
    if (!Number.isInteger(threadId) || !chat.topics.includes(threadId))
      return badRequest('message thread not found');
  }

  const parsed = parseText(rawText, parseMode, options.strictHtmlAmpersand, p.entities);
  if (!parsed.ok) return badRequest(`can't parse entities: ${parsed.error}`);
  const text = parsed.text.trim();
  if (text === '') return badRequest('message text is empty');
  if (measureLength(text, options.lengthUnit) > options.maxTextLength)
    return badRequest('message is too long');

  const flood = ctx.limits.take(ctx.bot.id, chat.id, ctx.time);
  if (!flood.allowed) return tooManyRequests(flood.retryAfterMs);

  const lead = parsed.text.length - parsed.text.trimStart().length;
  const entities = parsed.entities
    .map((e) => ({ ...e, offset: e.offset - lead }))
    .filter((e) => e.offset >= 0 && e.offset < text.length);
  const message: TelegramMessage = {
    messageId: ctx.store.nextMessageId(chat.id),
    chatId: chat.id,
    botId: ctx.bot.id,
    text,
    rawText,
    parseMode: parseMode === '' || parseMode === 'none' ? undefined : parseMode,
    entities,
    threadId,
    disableNotification: flag(p.disable_notification),
    protectContent: flag(p.protect_content),
    params,
    time: ctx.time,
  };
  ctx.store.addMessage(message);
  return ok(messageObject(message, ctx));
}

function parseText(raw: string, mode: string, strictAmpersand: boolean, entities: unknown): ParsedText {
  if (mode === 'html') return parseTelegramHtml(raw, { strictAmpersand });
  if (mode === 'markdownv2') return parseTelegramMarkdownV2(raw);
  if (mode === 'markdown') return parseTelegramMarkdown(raw);
  const decoded = typeof entities === 'string' ? parseJson(entities) : { ok: true as const, value: entities };
  const list = decoded.ok ? decoded.value : undefined;
  return { ok: true, text: raw, entities: Array.isArray(list) ? (list as MessageEntity[]) : [] };
}

function messageObject(m: TelegramMessage, ctx: MethodContext): Record<string, unknown> {
  const chat = ctx.store.chats.get(m.chatId);
  return {
    message_id: m.messageId,
    from: { id: ctx.bot.id, is_bot: true, first_name: ctx.bot.firstName, username: ctx.bot.username },
    chat: chat ? ctx.store.chatObject(chat) : { id: m.chatId },
    date: Math.floor(m.time / 1000),
    ...(m.threadId !== undefined ? { message_thread_id: m.threadId, is_topic_message: true } : {}),
    text: m.text,
    ...(m.entities.length > 0 ? { entities: m.entities } : {}),
  };
}
