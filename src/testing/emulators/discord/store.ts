/**
 * The Discord emulator's state: webhooks (live or deleted) and the messages they accepted.
 * @module
 */
import type { Clock } from '../../../resilience/clock.js';
import type { UploadedFile } from '../body.js';
import { pushBounded } from '../recorder.js';
import { type RandomSource, randomString } from '../seeded-random.js';
import type { MentionsPinged } from './mentions.js';

const DISCORD_EPOCH = 1_420_070_400_000n;

/** Options of `createWebhook`. */
export interface CreateWebhookOptions {
  /** Channel the webhook posts to; webhooks sharing a channel share its rate window. @default a new snowflake */
  readonly channelId?: string;
  /** Guild id reported by the GET probe. @default a new snowflake */
  readonly guildId?: string;
  /** Webhook name. @default 'Emulated Webhook' */
  readonly name?: string;
  /** A forum channel: each post needs exactly one of `thread_name` or `?thread_id=`. @default false */
  readonly forum?: boolean;
}

/** A created webhook. */
export interface DiscordWebhookInfo {
  readonly id: string;
  readonly token: string;
  readonly channelId: string;
  readonly guildId: string;
  readonly name: string;
  readonly forum: boolean;
  /** Execute URL in the recommended form, `<base>/api/v10/webhooks/<id>/<token>`. */
  readonly url: string;
  /** Unversioned URL as copied from Discord's UI (v6 semantics), `<base>/api/webhooks/<id>/<token>`. */
  readonly legacyUrl: string;
}

/** A message accepted by a webhook. */
export interface DiscordMessage {
  readonly id: string;
  readonly webhookId: string;
  /** The thread id when posted with `?thread_id=` (or a new one for `thread_name`), else the channel id. */
  readonly channelId: string;
  readonly threadId: string | undefined;
  readonly threadName: string | undefined;
  /** API version of the path used (6 for unversioned URLs). */
  readonly apiVersion: number;
  readonly content: string;
  readonly username: string | undefined;
  readonly avatarUrl: string | undefined;
  readonly tts: boolean;
  readonly embeds: readonly unknown[];
  readonly flags: number;
  /** True when SUPPRESS_NOTIFICATIONS (1 << 12) was set. */
  readonly silent: boolean;
  /** `allowed_mentions` as sent (undefined when absent, so the webhook default applied). */
  readonly allowedMentions: unknown;
  /** Who this message would ping. */
  readonly mentionsPinged: MentionsPinged;
  readonly files: readonly UploadedFile[];
  /** The whole decoded payload. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** Acceptance time on the emulator's clock (epoch ms). */
  readonly time: number;
}

/** A webhook as stored (deleted ones stay, so they answer 10015). */
export interface StoredWebhook extends DiscordWebhookInfo {
  deleted: boolean;
}

/** Webhooks, messages and id generation. */
export class DiscordStore {
  readonly webhooks = new Map<string, StoredWebhook>();
  readonly messages: DiscordMessage[] = [];
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #maxMessages: number;
  #increment = 0n;

  constructor(clock: Clock, random: RandomSource, maxMessages: number) {
    this.#clock = clock;
    this.#random = random;
    this.#maxMessages = maxMessages;
  }

  /** Keeps an accepted message (the oldest are dropped past the emulator's `maxRecords`). */
  addMessage(message: DiscordMessage): void {
    pushBounded(this.messages, message, this.#maxMessages);
  }

  /** A snowflake from the emulator's clock, unique within this emulator. */
  snowflake(): string {
    const ms = BigInt(Math.floor(this.#clock.now()));
    this.#increment = (this.#increment + 1n) & 0xfffn;
    return (((ms - DISCORD_EPOCH) << 22n) | (1n << 17n) | this.#increment).toString();
  }

  /** Creates a webhook under `baseUrl`. */
  create(baseUrl: string, options: CreateWebhookOptions = {}): DiscordWebhookInfo {
    const id = this.snowflake();
    const token = randomString(this.#random, 68);
    const hook: StoredWebhook = {
      id,
      token,
      channelId: options.channelId ?? this.snowflake(),
      guildId: options.guildId ?? this.snowflake(),
      name: options.name ?? 'Emulated Webhook',
      forum: options.forum ?? false,
      url: `${baseUrl}/api/v10/webhooks/${id}/${token}`,
      legacyUrl: `${baseUrl}/api/webhooks/${id}/${token}`,
      deleted: false,
    };
    this.webhooks.set(id, hook);
    return info(hook);
  }

  /** Live webhooks, in creation order. */
  list(): DiscordWebhookInfo[] {
    return [...this.webhooks.values()].filter((h) => !h.deleted).map(info);
  }
}

function info(hook: StoredWebhook): DiscordWebhookInfo {
  const { deleted: _deleted, ...rest } = hook;
  return rest;
}
