/**
 * Builds the sink of one configured destination.
 * @module
 */

import type { RecordOrigin } from '../core/event.js';
import type { Sink } from '../core/sink.js';
import { toCurl } from '../curl/to-curl.js';
import type { Clock } from '../resilience/clock.js';
import { consoleSink } from '../sinks/console/console-sink.js';
import { discordSink } from '../sinks/discord/discord-sink.js';
import { fileSink } from '../sinks/file-sink.js';
import { httpSink } from '../sinks/http/http-sink.js';
import { memorySink } from '../sinks/memory-sink.js';
import { slackSink } from '../sinks/slack/slack-sink.js';
import { telegramSink } from '../sinks/telegram/telegram-sink.js';
import { type DestinationConfig, destinationRetry } from './build-lane.js';

/** Shared context for sink construction. */
export interface SinkContext {
  readonly clock: Clock;
  readonly service: string | undefined;
  /** Stamped on collector and file records. @default { host: os.hostname() } (probes send no records) */
  readonly origin?: RecordOrigin;
}

/** The sink for a destination config. */
export function buildSink(destination: DestinationConfig, context: SinkContext): Sink {
  const { retryableStatusCodes } = destinationRetry(destination);
  switch (destination.type) {
    case 'custom':
      return destination.sink as Sink;
    case 'memory':
      return memorySink();
    case 'console':
      return consoleSink({
        stream: destination.stream === 'stdout' ? process.stdout : process.stderr,
        style: destination.style,
        color: destination.color,
        curl: (request) => toCurl(request, { maxBodyBytes: 4_096, exact: false }),
      });
    case 'file':
      return fileSink({
        path: destination.path,
        maxBytes: destination.maxBytes,
        maxFiles: destination.maxFiles,
        origin: context.origin,
      });
    case 'http':
      return httpSink({
        url: destination.url,
        format: destination.format,
        origin: context.origin,
        gzip: destination.gzip,
        headers: destination.headers,
        probe: destination.probe,
        concurrency: destination.concurrency,
        retryableStatusCodes,
        clock: context.clock,
      });
    case 'discord':
      return discordSink({
        templates: destination.templates,
        url: destination.url,
        username: destination.username,
        avatarUrl: destination.avatarUrl,
        threadId: destination.threadId,
        timeZone: destination.timeZone,
        criticalMention: destination.criticalMention,
        retryableStatusCodes,
        service: context.service,
        clock: context.clock,
      });
    case 'telegram':
      return telegramSink({
        templates: destination.templates,
        token: destination.token,
        chatId: destination.chatId,
        apiUrl: destination.apiUrl,
        messageThreadId: destination.messageThreadId,
        disableNotification: destination.disableNotification,
        timeZone: destination.timeZone,
        criticalMention: destination.criticalMention,
        retryableStatusCodes,
        service: context.service,
        clock: context.clock,
      });
    case 'slack':
      return slackSink({
        url: destination.url,
        service: context.service,
        clock: context.clock,
        templates: destination.templates,
        timeZone: destination.timeZone,
        criticalMention: destination.criticalMention,
        retryableStatusCodes,
      });
  }
}
