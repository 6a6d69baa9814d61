/**
 * Options of the Discord emulator and their defaults. Limits marked [doc]/[spec] come from Discord's docs
 * and OpenAPI spec; the rate numbers are observations and our choices (Discord says not to hard-code them).
 * @module
 */
import { assertPositiveFields } from '../assert-option.js';
import type { EmulatorServerOptions } from '../server.js';
import type { LengthUnit } from '../text-length.js';

/** Every length and count limit of Execute Webhook. */
export interface DiscordLimits {
  /** `content` length [doc+spec]. @default 2000 */
  readonly content: number;
  /** Number of embeds [doc+spec]. @default 10 */
  readonly embeds: number;
  /** `embed.title` [doc+spec]. @default 256 */
  readonly title: number;
  /** `embed.description` [doc+spec]. @default 4096 */
  readonly description: number;
  /** Number of `embed.fields` [doc+spec]. @default 25 */
  readonly fields: number;
  /** `field.name` [doc+spec]. @default 256 */
  readonly fieldName: number;
  /** `field.value` [doc+spec]. @default 1024 */
  readonly fieldValue: number;
  /** `footer.text` [doc+spec]. @default 2048 */
  readonly footerText: number;
  /** `author.name` [doc+spec]. @default 256 */
  readonly authorName: number;
  /** Sum of titles, descriptions, field names and values, footer texts and author names of all embeds [doc]. @default 6000 */
  readonly embedTotal: number;
  /** Shortest `username` override [spec]. @default 1 */
  readonly usernameMin: number;
  /** Longest `username` override [spec]. @default 80 */
  readonly usernameMax: number;
  /** Any URL field (`avatar_url`, `embed.url`, icon URLs) [spec]. @default 2048 */
  readonly url: number;
  /** `thread_name` [spec]. @default 100 */
  readonly threadName: number;
  /** Number of `applied_tags` [spec]. @default 5 */
  readonly appliedTags: number;
  /** Number of `attachments` (and of uploaded files) [spec]. @default 10 */
  readonly attachments: number;
  /** Ids in `allowed_mentions.users` and in `.roles`, each [doc+spec]. @default 100 */
  readonly mentionIds: number;
  /** Bytes per uploaded file [doc]. @default 10_485_760 (10 MiB) */
  readonly fileBytes: number;
}

/** The defaults of {@link DiscordLimits}. */
export const DEFAULT_DISCORD_LIMITS: DiscordLimits = Object.freeze({
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  usernameMin: 1,
  usernameMax: 80,
  url: 2048,
  threadName: 100,
  appliedTags: 5,
  attachments: 10,
  mentionIds: 100,
  fileBytes: 10_485_760,
});

/** `allowed_mentions` as sent by a client. */
export interface AllowedMentions {
  readonly parse?: ReadonlyArray<'everyone' | 'users' | 'roles'>;
  readonly users?: readonly string[];
  readonly roles?: readonly string[];
  readonly replied_user?: boolean;
}

/** Options of `startDiscordEmulator`. */
export interface DiscordEmulatorOptions extends EmulatorServerOptions {
  /** Overrides of single limits; the rest keep {@link DEFAULT_DISCORD_LIMITS}. @default {} */
  readonly limits?: Partial<DiscordLimits>;
  /** How lengths are counted (Discord does not document it). @default 'utf16' */
  readonly lengthUnit?: LengthUnit;
  /** Pre-create one webhook so `describe()` has a URL to print. @default true */
  readonly defaultWebhook?: boolean;
  /** Requests per window in each webhook's bucket [obs: "5/2"]. @default 5 */
  readonly webhookLimit?: number;
  /** Window of the webhook bucket. @default 2000 */
  readonly webhookWindowMs?: number;
  /** Messages per window in one channel, shared by all its webhooks [obs: "30/60"]. @default 30 */
  readonly channelLimit?: number;
  /** Window of the channel limit. @default 60_000 */
  readonly channelWindowMs?: number;
  /** `X-RateLimit-Scope` of a channel-limit 429 (`shared` 429s do not count as invalid requests). @default 'shared' */
  readonly channelLimitScope?: 'shared' | 'user';
  /** Requests per window per client IP without Authorization [doc: 50/s]. @default 50 */
  readonly globalLimit?: number;
  /** Window of the global limit. @default 1000 */
  readonly globalWindowMs?: number;
  /** Invalid requests (401, 403, non-shared 429) per IP per window before a ban [doc]. @default 10_000 */
  readonly invalidRequestLimit?: number;
  /** Window of the invalid-request counter [doc: 10 minutes]. @default 600_000 */
  readonly invalidRequestWindowMs?: number;
  /** Also count 404 answers as invalid (Discord warns repeated 404s lead to restrictions). @default false */
  readonly countNotFoundAsInvalid?: boolean;
  /** Error body format on unversioned/v6/v7 paths: old flat format or v8+ nested `errors`. @default 'flat' */
  readonly legacyErrorFormat?: 'flat' | 'nested';
  /** Unit of the `Retry-After` header on unversioned/v6/v7 paths (the body is always ms there). @default 'seconds' */
  readonly legacyRetryAfterHeader?: 'seconds' | 'milliseconds';
  /** What pings when a message has no `allowed_mentions` [doc: webhooks parse users]. @default { parse: ['users'] } */
  readonly defaultAllowedMentions?: AllowedMentions;
  /** Reject usernames containing `@`, `#`, `:` or ``` (Discord's rule for user names, unverified for webhooks). @default true */
  readonly strictUsernames?: boolean;
}

/** Options with every default applied. */
export interface ResolvedDiscordOptions {
  readonly limits: DiscordLimits;
  readonly lengthUnit: LengthUnit;
  readonly webhookLimit: number;
  readonly webhookWindowMs: number;
  readonly channelLimit: number;
  readonly channelWindowMs: number;
  readonly channelLimitScope: 'shared' | 'user';
  readonly globalLimit: number;
  readonly globalWindowMs: number;
  readonly invalidRequestLimit: number;
  readonly invalidRequestWindowMs: number;
  readonly countNotFoundAsInvalid: boolean;
  readonly legacyErrorFormat: 'flat' | 'nested';
  readonly legacyRetryAfterHeader: 'seconds' | 'milliseconds';
  readonly defaultAllowedMentions: AllowedMentions;
  readonly strictUsernames: boolean;
}

/** Applies defaults and rejects nonsense eagerly. */
export function resolveDiscordOptions(options: DiscordEmulatorOptions): ResolvedDiscordOptions {
  const resolved: ResolvedDiscordOptions = {
    limits: { ...DEFAULT_DISCORD_LIMITS, ...options.limits },
    lengthUnit: options.lengthUnit ?? 'utf16',
    webhookLimit: options.webhookLimit ?? 5,
    webhookWindowMs: options.webhookWindowMs ?? 2000,
    channelLimit: options.channelLimit ?? 30,
    channelWindowMs: options.channelWindowMs ?? 60_000,
    channelLimitScope: options.channelLimitScope ?? 'shared',
    globalLimit: options.globalLimit ?? 50,
    globalWindowMs: options.globalWindowMs ?? 1000,
    invalidRequestLimit: options.invalidRequestLimit ?? 10_000,
    invalidRequestWindowMs: options.invalidRequestWindowMs ?? 600_000,
    countNotFoundAsInvalid: options.countNotFoundAsInvalid ?? false,
    legacyErrorFormat: options.legacyErrorFormat ?? 'flat',
    legacyRetryAfterHeader: options.legacyRetryAfterHeader ?? 'seconds',
    defaultAllowedMentions: options.defaultAllowedMentions ?? { parse: ['users'] },
    strictUsernames: options.strictUsernames ?? true,
  };
  assertPositiveFields(resolved, [
    'webhookLimit',
    'webhookWindowMs',
    'channelLimit',
    'channelWindowMs',
    'globalLimit',
    'globalWindowMs',
    'invalidRequestLimit',
    'invalidRequestWindowMs',
  ]);
  assertPositiveFields(resolved.limits, undefined, { prefix: 'limits.', allowZero: true });
  return resolved;
}
