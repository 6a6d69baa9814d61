/**
 * The send half of the Telegram destination: one sendMessage call and its answer as a SendResult.
 * A group upgraded to a supergroup answers with `migrate_to_chat_id`: the destination follows it.
 * @module
 */
import type { SendResult } from '../../core/sink.js';
import {
  AuthenticationError,
  DestinationGoneError,
  RateLimitedError,
  ServerError,
} from '../../resilience/errors.js';
import { parseRetryAfterHeader, telegramRetryAfterMs } from '../../resilience/retry-after.js';
import { type RetryableStatus, retryableStatus, statusFailure } from '../http/classify.js';
import { type HttpTransport, header } from '../http/transport.js';

/** Where messages go; `chatId` changes when Telegram reports a migration. */
export interface TelegramTarget {
  readonly apiUrl: string;
  readonly token: string;
  chatId: number | string;
}

/** Where the Bot API lives unless a destination names another server. */
export const TELEGRAM_API_URL = 'https://api.telegram.org';

/** The URL of one Bot API method for a bot token. */
export function telegramMethodUrl(apiUrl: string, token: string, method: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/bot${token}/${method}`;
}

/** A Bot API answer, loosely typed: every field is checked before use. */
export interface TelegramAnswer {
  ok?: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** Posts one message; never throws. */
export async function sendToTelegram(
  transport: HttpTransport,
  target: TelegramTarget,
  payload: Readonly<Record<string, unknown>>,
  signal: AbortSignal,
  now: () => number,
  retryable: RetryableStatus = retryableStatus(),
): Promise<SendResult> {
  const url = telegramMethodUrl(target.apiUrl, target.token, 'sendMessage');
  const outcome = await transport.send(url, {
    headers: { 'content-type': 'application/json' },
    // The chat id in the payload may predate a migration: the target's is authoritative.
    body: JSON.stringify({ ...payload, chat_id: target.chatId }),
    signal,
  });
  if (!outcome.ok) return { ok: false, kind: 'retryable', error: outcome.error };
  const { status, text } = outcome.response;
  const answer = parseTelegramAnswer(text);
  if (status >= 200 && status < 300 && answer?.ok !== false) return { ok: true };
  const description = answer?.description ?? (text.slice(0, 200) || '(empty body)');
  const detail = `Telegram ${answer?.error_code ?? status}: ${description}`;
  const migrateTo = answer?.parameters?.migrate_to_chat_id;
  if (migrateTo !== undefined) {
    target.chatId = migrateTo;
    return {
      ok: false,
      kind: 'retryable',
      error: new ServerError(`${detail} (now sending to the new chat)`, { statusCode: status }),
      retryAfterMs: 0,
    };
  }
  if (status === 429) {
    const retryAfterMs =
      telegramRetryAfterMs(answer) ?? parseRetryAfterHeader(header(outcome.response, 'retry-after'), now());
    return {
      ok: false,
      kind: 'retryable',
      error: new RateLimitedError(detail, { statusCode: 429, retryAfterMs }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status === 401 || status === 403)
    return { ok: false, kind: 'gone', error: new AuthenticationError(detail, { statusCode: status }) };
  if (
    /chat not found|chat was deleted|bot was kicked|not enough rights|message thread not found/i.test(
      description,
    )
  ) {
    return { ok: false, kind: 'gone', error: new DestinationGoneError(detail, { statusCode: status }) };
  }
  return statusFailure(status, detail, retryable);
}

/** The answer body, `undefined` when it is not a JSON object. */
export function parseTelegramAnswer(text: string): TelegramAnswer | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as TelegramAnswer) : undefined;
  } catch {
    return undefined;
  }
}
