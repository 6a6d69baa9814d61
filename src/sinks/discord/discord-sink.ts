/**
 * The Discord destination: Execute Webhook on API v10, embeds within every limit, paced inside the
 * webhook's bucket (5 per 2 s) and the channel's window (30 per 60 s), corrected by X-RateLimit-*.
 * @module
 */
import type { Sink } from '../../core/sink.js';
import { type Clock, systemClock } from '../../resilience/clock.js';
import { retryableStatus, type StatusRetryOptions } from '../http/classify.js';
import { HttpTransport, type HttpTransportOptions } from '../http/transport.js';
import { withCurl } from '../view/with-curl.js';
import { type DiscordFormatOptions, type DiscordPayload, formatDiscord } from './discord-format.js';
import { probeDiscord } from './discord-probe.js';
import { discordExecuteUrl, sendToDiscord } from './discord-send.js';

/** Options of {@link discordSink}. */
export interface DiscordSinkOptions extends DiscordFormatOptions, HttpTransportOptions, StatusRetryOptions {
  /** The webhook URL as copied from Discord (any API version; v10 is always used). */
  readonly url: string;
  /** Post into this thread of the webhook's channel. */
  readonly threadId?: string | undefined;
  readonly clock?: Clock;
}

/**
 * @example
 * createOffpath({ destinations: [{ name: 'ops', type: 'discord', url: process.env.DISCORD_WEBHOOK_URL }] });
 */
export function discordSink(options: DiscordSinkOptions): Sink<DiscordPayload> {
  const url = discordExecuteUrl(options.url, options.threadId);
  const transport = new HttpTransport(options);
  const viewOptions = withCurl(options);
  const clock = options.clock ?? systemClock;
  const retryable = retryableStatus(options.retryableStatusCodes);
  return {
    type: 'discord',
    maxBatchSize: 10,
    // Observed defaults (platform-limits D4); X-RateLimit-* headers correct them live.
    rateLimits: [
      { limit: 5, intervalMs: 2_000 },
      { limit: 30, intervalMs: 60_000, sharedBy: 'channel' },
    ],
    format: (batch) => formatDiscord(batch, viewOptions),
    send: (payload, ctx) => sendToDiscord(transport, url, payload, ctx.signal, () => clock.now(), retryable),
    probe: (ctx) => probeDiscord(transport, options.url, ctx.signal),
    close: () => transport.close(),
  };
}
