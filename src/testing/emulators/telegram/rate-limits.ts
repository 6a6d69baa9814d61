/**
 * Telegram's flood limits as the Bots FAQ states them: about 30 messages per second per bot, 20 per minute
 * to one group, one per second to one chat with short bursts. Nothing is counted unless all three allow.
 * @module
 */
import { KeyedWindows, SlidingWindow, TokenBucket } from '../rate-windows.js';
import type { ResolvedTelegramOptions } from './options.js';

/** The limits' answer to one message. */
export type FloodDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number };

/** All rate state of one Telegram emulator. */
export class TelegramRateLimits {
  readonly #bots: KeyedWindows<SlidingWindow>;
  readonly #groups: KeyedWindows<SlidingWindow>;
  readonly #chats: KeyedWindows<TokenBucket>;

  constructor(options: ResolvedTelegramOptions) {
    this.#bots = new KeyedWindows(() => new SlidingWindow(options.perBotLimit, options.perBotWindowMs));
    this.#groups = new KeyedWindows(() => new SlidingWindow(options.perGroupLimit, options.perGroupWindowMs));
    this.#chats = new KeyedWindows(() => new TokenBucket(options.perChatBurst, options.perChatIntervalMs));
  }

  /** Counts one message from `botId` to `chatId` when every limit allows it. */
  take(botId: number, chatId: number, now: number): FloodDecision {
    const windows = [this.#bots.get(String(botId)), this.#chats.get(`${botId}:${chatId}`)];
    if (chatId < 0) windows.push(this.#groups.get(`${botId}:${chatId}`));
    let wait = 0;
    for (const w of windows) wait = Math.max(wait, w.peek(now).retryAfterMs);
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    for (const w of windows) w.take(now);
    return { allowed: true };
  }

  /** Forgets every window. */
  reset(): void {
    this.#bots.clear();
    this.#groups.clear();
    this.#chats.clear();
  }
}
