/**
 * Which shared windows a destination's sends count against: Discord per webhook and per channel,
 * Telegram per chat (and per group) and per bot, Slack per webhook, an HTTP collector per URL with the
 * limits its config gives. Also the local fallback: the same windows divided among `replicas`.
 * @module
 */
import { createHash } from 'node:crypto';
import type { RateLimitSpec } from '../core/sink.js';
import type { LimiterPlan, SharedWindow } from './ports.js';

/** The destination fields that identify what a platform counts; secrets are hashed, never stored. */
export type LimitTarget =
  | { readonly type: 'discord'; readonly url: string; readonly channelId?: string | undefined }
  | { readonly type: 'telegram'; readonly token: string; readonly chatId: string | number }
  | { readonly type: 'slack' | 'http'; readonly url: string }
  | { readonly type: string; readonly name: string };

const DISCORD_WEBHOOK_ID = /\/webhooks\/(\d+)\//;

/**
 * The plan for one destination. `limits` are the proactive limits its lane applies (the destination's
 * `rateLimits`, else the sink's). A limit the platform also counts for others names it in `sharedBy`:
 * Discord's 30 per minute is the channel's (every webhook of `channelId` when it is known, else the
 * webhook's own channel), Telegram's 30 per second the bot's (every chat of the token).
 * @example
 * limiterPlan({ type: 'slack', url }, [{ limit: 1, intervalMs: 1000 }]);
 * // { key: 'slack:3f2a…', windows: [{ limit: 1, intervalMs: 1000, scope: 'slack:3f2a…' }] }
 */
export function limiterPlan(target: LimitTarget, limits: readonly RateLimitSpec[]): LimiterPlan {
  const key = destinationKey(target);
  const windows = limits.map((l): SharedWindow => {
    const window = { limit: l.limit, intervalMs: l.intervalMs };
    if (l.sharedBy === 'channel' && target.type === 'discord') {
      const channel = 'channelId' in target && target.channelId ? target.channelId : key.slice(8);
      return { ...window, scope: `discord-channel:${channel}` };
    }
    if (l.sharedBy === 'bot' && 'token' in target) {
      return { ...window, scope: `telegram-bot:${digest(target.token)}` };
    }
    return { ...window, scope: key };
  });
  return { key, windows };
}

/** A stable, secret-free name for the destination. */
export function destinationKey(target: LimitTarget): string {
  switch (target.type) {
    case 'discord': {
      const url = 'url' in target ? target.url : '';
      // The webhook id is public (it is in every message's author); the token after it is not.
      const id = DISCORD_WEBHOOK_ID.exec(url)?.[1];
      return `discord:${id ?? digest(url)}`;
    }
    case 'telegram':
      return 'token' in target
        ? `telegram:${digest(target.token)}:${digest(String(target.chatId))}`
        : `telegram:${digest(JSON.stringify(target))}`;
    case 'slack':
    case 'http':
      return `${target.type}:${digest('url' in target ? target.url : JSON.stringify(target))}`;
    default:
      return `${target.type}:${digest('name' in target ? target.name : JSON.stringify(target))}`;
  }
}

/**
 * The windows one process may use alone when `replicas` processes share them without Redis: the same
 * interval with `floor(limit / replicas)` sends, or, when that is less than one, one send per
 * `intervalMs × replicas / limit`. Summed over the replicas the rate never exceeds the limit; only a
 * window narrower than the stretched interval can see several replicas at once.
 */
export function divideWindows(windows: readonly SharedWindow[], replicas: number): SharedWindow[] {
  if (!(Number.isInteger(replicas) && replicas >= 1)) {
    throw new TypeError(`divideWindows: replicas must be an integer >= 1, got ${replicas}`);
  }
  return windows.map((w) => {
    const share = Math.floor(w.limit / replicas);
    if (share >= 1) return { ...w, limit: share };
    return { ...w, limit: 1, intervalMs: Math.ceil((w.intervalMs * replicas) / w.limit) };
  });
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
