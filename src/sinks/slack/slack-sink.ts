/**
 * The Slack destination: an incoming webhook with Block Kit messages, paced at 1 per second.
 * @module
 */
import type { Sink } from '../../core/sink.js';
import { type Clock, systemClock } from '../../resilience/clock.js';
import { retryableStatus, type StatusRetryOptions } from '../http/classify.js';
import { HttpTransport, type HttpTransportOptions } from '../http/transport.js';
import { withCurl } from '../view/with-curl.js';
import { formatSlack, type SlackFormatOptions, type SlackPayload } from './slack-format.js';
import { sendToSlack } from './slack-send.js';

/** Options of {@link slackSink}. */
export interface SlackSinkOptions extends SlackFormatOptions, HttpTransportOptions, StatusRetryOptions {
  /** The incoming webhook URL. */
  readonly url: string;
  readonly clock?: Clock;
}

/**
 * @example
 * createOffpath({ destinations: [{ name: 'alerts', type: 'slack', url: process.env.SLACK_WEBHOOK_URL }] });
 */
export function slackSink(options: SlackSinkOptions): Sink<SlackPayload> {
  const transport = new HttpTransport(options);
  const viewOptions = withCurl(options);
  const clock = options.clock ?? systemClock;
  const retryable = retryableStatus(options.retryableStatusCodes);
  return {
    type: 'slack',
    maxBatchSize: 10,
    rateLimits: [{ limit: 1, intervalMs: 1_000 }],
    format: (batch) => formatSlack(batch, viewOptions),
    send: (payload, ctx) =>
      sendToSlack(transport, options.url, payload, ctx.signal, () => clock.now(), retryable),
    // Any request an incoming webhook accepts posts a message; nothing else proves it is alive.
    probe: async () => ({
      status: 'skipped',
      detail: 'Slack incoming webhooks cannot be checked without posting a message',
    }),
    close: () => transport.close(),
  };
}
