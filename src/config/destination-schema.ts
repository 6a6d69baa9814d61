/**
 * Schemas of the destinations a config can name. The same object works in code and in a file.
 * @module
 */
import { z } from 'zod';
import { LEVELS } from '../core/level.js';
import { isDiscordWebhookUrl } from '../sinks/discord/discord-send.js';
import { isSlackWebhookUrl } from '../sinks/slack/slack-send.js';
import { chatShape, discordMention, slackMention, telegramMention } from './chat-options-schema.js';

// Messages ("expected one of trace, …, got …") are written from the schema by describe-issues.ts.
const level = z.enum(LEVELS);
const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const NOT_HTTP_URL = 'must be an absolute http(s) URL';

/** A URL with http(s) scheme. */
export const httpUrl = z.string().refine(isHttpUrl, NOT_HTTP_URL);

/** An http(s) URL the platform's sink can use: `isShape` is the sink's own check. */
const webhookUrl = (isShape: (value: string) => boolean, message: string) =>
  z.string().superRefine((value, ctx) => {
    if (!isHttpUrl(value)) ctx.addIssue({ code: 'custom', message: NOT_HTTP_URL });
    else if (!isShape(value)) ctx.addIssue({ code: 'custom', message });
  });

const presetOr = <const P extends readonly [string, ...string[]], T extends z.ZodType>(
  presets: P,
  custom: T,
) => z.union([z.enum(presets), custom]);

/** Options shared by every destination. */
export const commonDestinationShape = {
  name: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
      'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit',
    ),
  /**
   * Events below this level never reach the destination.
   * @default 'trace' ('warn' for Discord, Telegram and Slack)
   */
  minLevel: level.optional(),
  enabled: z.boolean().optional(),
  queue: z
    .object({
      maxItems: positiveInt.optional(),
      maxBytes: positiveInt.optional(),
      overflow: z.enum(['drop-oldest', 'drop-newest', 'spool']).optional(),
    })
    .strict()
    .optional(),
  batch: z
    .object({
      maxSize: positiveInt.optional(),
      maxBytes: positiveInt.optional(),
      maxDelayMs: nonNegative.optional(),
    })
    .strict()
    .optional(),
  retry: presetOr(
    ['defaults', 'aggressive', 'noRetry', 'persistent'],
    z
      .object({
        maxAttempts: positiveInt.optional(),
        initialDelayMs: nonNegative.optional(),
        maxDelayMs: nonNegative.optional(),
        multiplier: z.number().min(1).optional(),
        jitter: z.union([z.enum(['none', 'full', 'decorrelated']), z.number().min(0).max(1)]).optional(),
        retryableStatusCodes: z.array(z.number().int().min(100).max(599)).optional(),
      })
      .strict(),
  ).optional(),
  breaker: presetOr(
    ['defaults', 'lenient', 'strict'],
    z
      .object({
        failureThreshold: positiveInt.optional(),
        recoveryTimeoutMs: positiveInt.optional(),
        halfOpenSuccessThreshold: positiveInt.optional(),
        recoveryMultiplier: z.number().min(1).optional(),
        maxRecoveryTimeoutMs: positiveInt.optional(),
      })
      .strict(),
  ).optional(),
  /** Retries allowed per first attempt; keeps a dead destination from turning into a retry storm. */
  retryBudget: z
    .object({
      ratio: z.number().min(0).optional(),
      windowMs: positiveInt.optional(),
      minRetriesPerWindow: z.number().int().min(0).optional(),
    })
    .strict()
    .optional(),
  rateLimits: z.array(z.object({ limit: positiveInt, intervalMs: positiveInt }).strict()).optional(),
  sendTimeoutMs: positiveInt.optional(),
  maxEventAgeMs: positiveInt.optional(),
  fallback: z.string().optional(),
  /** When the fallback receives records: when the circuit opens, when they are dead-lettered, or both. */
  fallbackOn: z.enum(['both', 'circuit-open', 'dead-letter']).optional(),
  /** Cooldowns per fingerprint and storm digests; `false` sends every event as it comes. */
  noise: z
    .union([
      z.literal(false),
      z
        .object({
          cooldownMs: nonNegative.optional(),
          bypassLevel: z.union([level, z.literal('none')]).optional(),
          storm: z
            .union([
              z.literal(false),
              z
                .object({
                  afterMs: positiveInt.optional(),
                  windowMs: positiveInt.optional(),
                  topGroups: positiveInt.optional(),
                })
                .strict(),
            ])
            .optional(),
        })
        .strict(),
    ])
    .optional(),
};

const discord = z
  .object({
    ...commonDestinationShape,
    type: z.literal('discord'),
    ...chatShape,
    url: webhookUrl(
      isDiscordWebhookUrl,
      'must be a Discord webhook URL (https://discord.com/api/webhooks/{id}/{token})',
    ),
    criticalMention: discordMention,
    username: z.string().min(1).max(80).optional(),
    avatarUrl: httpUrl.optional(),
    threadId: z.string().regex(/^\d+$/, 'must be a numeric thread id').optional(),
  })
  .strict();

const telegram = z
  .object({
    ...commonDestinationShape,
    type: z.literal('telegram'),
    ...chatShape,
    token: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF (the token BotFather gave you)'),
    chatId: z.union([
      z.number().int(),
      z.string().regex(/^(-?\d+|@\w+)$/, 'must be a numeric id or @channelname'),
    ]),
    criticalMention: telegramMention,
    messageThreadId: z.number().int().positive().optional(),
    disableNotification: z.boolean().optional(),
    apiUrl: httpUrl.optional(),
  })
  .strict();

const slack = z
  .object({
    ...commonDestinationShape,
    type: z.literal('slack'),
    ...chatShape,
    url: webhookUrl(
      isSlackWebhookUrl,
      'must be a Slack incoming webhook URL (https://hooks.slack.com/services/T…/B…/…)',
    ),
    criticalMention: slackMention,
  })
  .strict();

const http = z
  .object({
    ...commonDestinationShape,
    type: z.literal('http'),
    url: httpUrl,
    /** `offpath` posts events an offpath relay's `/v1/events` takes. @default 'json' */
    format: z.enum(['json', 'ndjson', 'offpath']).optional(),
    gzip: z.boolean().optional(),
    /** Requests in flight at once; above 1, batches can arrive out of order. */
    concurrency: z.number().int().min(1).max(64).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /**
     * How `offpath check --probe` checks the collector without posting events: `method` (`GET` or
     * `HEAD`, default `GET`) on `url` (absolute, or a path on the destination's host such as
     * `/health`; default the destination's `url`), sent with `headers`; any 2xx is healthy.
     * @default undefined (the destination is reported as skipped)
     */
    probe: z
      .object({
        url: z
          .string()
          .refine(
            (value) => value.startsWith('/') || isHttpUrl(value),
            'must be an absolute http(s) URL or a path starting with "/" (like "/health")',
          )
          .optional(),
        method: z.enum(['GET', 'HEAD'], { error: 'must be GET or HEAD (a probe never posts)' }).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const consoleDest = z
  .object({
    ...commonDestinationShape,
    type: z.literal('console'),
    stream: z.enum(['stdout', 'stderr']).optional(),
    style: z.enum(['compact', 'expanded']).optional(),
    color: z.union([z.boolean(), z.literal('auto')]).optional(),
  })
  .strict();

const file = z
  .object({
    ...commonDestinationShape,
    type: z.literal('file'),
    path: z.string().min(1),
    maxBytes: positiveInt.optional(),
    maxFiles: positiveInt.optional(),
  })
  .strict();

const memory = z.object({ ...commonDestinationShape, type: z.literal('memory') }).strict();

/** A destination built in code around your own Sink-shaped object. */
const custom = z
  .object({
    ...commonDestinationShape,
    type: z.literal('custom'),
    sink: z.custom<object>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as { format?: unknown }).format === 'function' &&
        typeof (v as { send?: unknown }).send === 'function',
      'must be a Sink object with format() and send()',
    ),
  })
  .strict();

/** Any destination a config can describe (`custom` only in code). */
export const destinationSchema = z.discriminatedUnion(
  'type',
  [discord, telegram, slack, http, consoleDest, file, memory, custom],
  {
    error: 'type must be one of discord, telegram, slack, http, console, file, memory, custom',
  },
);

/** The types a config file can use. */
export type DestinationType = z.infer<typeof destinationSchema>['type'];
