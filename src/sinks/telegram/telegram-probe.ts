/**
 * Checks a Telegram destination without sending: `getMe` proves the token, `getChat` that the bot can
 * see the chat (a chat it was never added to answers "chat not found").
 * @module
 */
import type { ProbeOutcome } from '../../core/sink.js';
import { probeRequest } from '../http/probe-request.js';
import type { HttpTransport } from '../http/transport.js';
import { parseTelegramAnswer, type TelegramTarget, telegramMethodUrl } from './telegram-send.js';

/** The fields of a User or Chat object the report uses. */
interface Described {
  readonly username?: unknown;
  readonly title?: unknown;
  readonly first_name?: unknown;
  readonly type?: unknown;
}

type Call =
  | { readonly ok: true; readonly result: Described }
  | { readonly ok: false; readonly outcome: ProbeOutcome };

/** getMe then getChat; never throws. */
export async function probeTelegram(
  transport: HttpTransport,
  target: TelegramTarget,
  signal: AbortSignal,
): Promise<ProbeOutcome> {
  const me = await call(transport, target, 'getMe', {}, signal);
  if (!me.ok) return me.outcome;
  const bot = `bot @${String(me.result.username)}`;
  const chat = await call(transport, target, 'getChat', { chat_id: target.chatId }, signal);
  if (!chat.ok) {
    const { status, detail } = chat.outcome;
    return { status, detail: `${bot}, chat ${target.chatId}: ${detail}` };
  }
  const name = chat.result.title ?? chat.result.username ?? chat.result.first_name;
  const label = name === undefined ? `chat ${target.chatId}` : `chat "${String(name)}"`;
  return { status: 'ok', detail: `${bot} can see ${label} (${String(chat.result.type)})` };
}

async function call(
  transport: HttpTransport,
  target: TelegramTarget,
  method: string,
  params: Record<string, unknown>,
  signal: AbortSignal,
): Promise<Call> {
  const answer = await probeRequest(transport, telegramMethodUrl(target.apiUrl, target.token, method), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
    signal,
  });
  if (!answer.ok) return answer;
  const { status, text } = answer.response;
  const body = parseTelegramAnswer(text);
  const result = body?.result;
  if (status === 200 && body?.ok === true && typeof result === 'object' && result !== null) {
    return { ok: true, result: result as Described };
  }
  const said = `${body?.description ?? `HTTP ${status}`} (${body?.error_code ?? status})`;
  const migrateTo = body?.parameters?.migrate_to_chat_id;
  let hint = '';
  if (migrateTo !== undefined) hint = `: the group is now supergroup ${migrateTo}, set chatId to it`;
  else if (status === 401) hint = ': the bot token is wrong or was revoked';
  else if (/chat not found/i.test(said)) hint = ': the id is wrong or the bot was never added to the chat';
  return { ok: false, outcome: { status: 'failed', detail: `${said}${hint}` } };
}
