/**
 * The Telegram destination: sendMessage in HTML parse mode, paced at 1 message per second per chat
 * and 20 per minute for groups, following a group's migration to a supergroup.
 * @module
 */
import type { RateLimitSpec, Sink } from '../../core/sink.js';
import { type Clock, systemClock } from '../../resilience/clock.js';
import { retryableStatus, type StatusRetryOptions } from '../http/classify.js';
import { HttpTransport, type HttpTransportOptions } from '../http/transport.js';
import { withCurl } from '../view/with-curl.js';
import { formatTelegram, type TelegramFormatOptions, type TelegramPayload } from './telegram-format.js';
import { probeTelegram } from './telegram-probe.js';
import { sendToTelegram, TELEGRAM_API_URL, type TelegramTarget } from './telegram-send.js';

/** Options of {@link telegramSink}. */
export interface TelegramSinkOptions extends TelegramFormatOptions, HttpTransportOptions, StatusRetryOptions {
  /** The bot token from BotFather. */
  readonly token: string;
  /** @default 'https://api.telegram.org' */
  readonly apiUrl?: string | undefined;
  readonly clock?: Clock;
}

/**
 * @example
 * createOffpath({ destinations: [{ name: 'oncall', type: 'telegram', token: process.env.TG_TOKEN, chatId: -1001234567890 }] });
 */
export function telegramSink(options: TelegramSinkOptions): Sink<TelegramPayload> {
  const target: TelegramTarget = {
    apiUrl: options.apiUrl ?? TELEGRAM_API_URL,
    token: options.token,
    chatId: options.chatId,
  };
  const transport = new HttpTransport(options);
  const viewOptions = withCurl(options);
  const clock = options.clock ?? systemClock;
  const retryable = retryableStatus(options.retryableStatusCodes);
  const isGroup = typeof options.chatId === 'number' ? options.chatId < 0 : /^-/.test(options.chatId);
  const rateLimits: RateLimitSpec[] = [{ limit: 1, intervalMs: 1_000 }];
  if (isGroup) rateLimits.push({ limit: 20, intervalMs: 60_000 });
  // "not more than 30 messages per second or so" per bot (platform-limits T5), across every chat.
  rateLimits.push({ limit: 30, intervalMs: 1_000, sharedBy: 'bot' });
  return {
    type: 'telegram',
    maxBatchSize: 20,
    rateLimits,
    format: (batch) => formatTelegram(batch, viewOptions),
    send: (payload, ctx) =>
      sendToTelegram(
        transport,
        target,
        payload as unknown as Record<string, unknown>,
        ctx.signal,
        () => clock.now(),
        retryable,
      ),
    probe: (ctx) => probeTelegram(transport, target, ctx.signal),
    close: () => transport.close(),
  };
}
