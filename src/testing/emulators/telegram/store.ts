/**
 * The Telegram emulator's state: bots, chats and delivered messages.
 * @module
 */
import { pushBounded } from '../recorder.js';
import { type RandomSource, randomDigits, randomString } from '../seeded-random.js';
import type { MessageEntity } from './entities.js';

/** Chat types the emulator knows. */
export type TelegramChatType = 'private' | 'group' | 'supergroup' | 'channel';

/** Options of `createChat`. */
export interface CreateChatOptions {
  /** Chat id; negative for groups, `-100…` for supergroups and channels. @default a generated id of the right sign */
  readonly id?: number;
  /** @default 'private' */
  readonly type?: TelegramChatType;
  /** Title of groups and channels. @default 'Emulated <type>' */
  readonly title?: string;
  /** Public username, so `@username` works as `chat_id`. @default none */
  readonly username?: string;
  /** This group was upgraded: sends answer 400 with `migrate_to_chat_id` = this id (created if missing). @default none */
  readonly migrateTo?: number;
  /** Forum topic ids valid as `message_thread_id`. @default [] */
  readonly topics?: readonly number[];
}

/** A chat as the emulator stores it. */
export interface TelegramChat {
  readonly id: number;
  readonly type: TelegramChatType;
  readonly title: string | undefined;
  readonly username: string | undefined;
  readonly migrateTo: number | undefined;
  readonly topics: readonly number[];
  deleted: boolean;
}

/** A bot. */
export interface TelegramBot {
  readonly id: number;
  readonly token: string;
  readonly username: string;
  readonly firstName: string;
  revoked: boolean;
}

/** A message delivered to a chat. */
export interface TelegramMessage {
  readonly messageId: number;
  readonly chatId: number;
  readonly botId: number;
  /** The text users see: plain text after entity parsing. */
  readonly text: string;
  /** The `text` parameter as sent (HTML/Markdown source). */
  readonly rawText: string;
  readonly parseMode: string | undefined;
  readonly entities: readonly MessageEntity[];
  readonly threadId: number | undefined;
  readonly disableNotification: boolean;
  readonly protectContent: boolean;
  /** Every parameter received. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Delivery time on the emulator's clock (epoch ms). */
  readonly time: number;
}

/** Bots, chats, messages and id generation. */
export class TelegramStore {
  readonly bots = new Map<string, TelegramBot>();
  readonly chats = new Map<number, TelegramChat>();
  readonly messages: TelegramMessage[] = [];
  readonly #random: RandomSource;
  readonly #nextMessageId = new Map<number, number>();
  /** Set once the server is up; the oldest messages are dropped past it. */
  maxMessages = Number.POSITIVE_INFINITY;

  constructor(random: RandomSource) {
    this.#random = random;
  }

  /** Keeps a delivered message. */
  addMessage(message: TelegramMessage): void {
    pushBounded(this.messages, message, this.maxMessages);
  }

  /** Creates a bot with a token of the real shape (`<id>:<35 characters>`). */
  createBot(): TelegramBot {
    const id = Number(randomDigits(this.#random, 10));
    const bot: TelegramBot = {
      id,
      token: `${id}:${randomString(this.#random, 35)}`,
      username: `emulated_${this.bots.size + 1}_bot`,
      firstName: 'Emulated Bot',
      revoked: false,
    };
    this.bots.set(bot.token, bot);
    return bot;
  }

  /** Creates (or replaces) a chat. */
  createChat(options: CreateChatOptions = {}): TelegramChat {
    const type = options.type ?? 'private';
    const digits = randomDigits(this.#random, 10);
    const id =
      options.id ??
      (type === 'private' ? Number(digits) : type === 'group' ? -Number(digits) : Number(`-100${digits}`));
    if (options.migrateTo !== undefined && !this.chats.has(options.migrateTo)) {
      this.createChat({ id: options.migrateTo, type: 'supergroup', title: options.title });
    }
    const chat: TelegramChat = {
      id,
      type,
      title: type === 'private' ? undefined : (options.title ?? `Emulated ${type}`),
      username: options.username,
      migrateTo: options.migrateTo,
      topics: options.topics ?? [],
      deleted: false,
    };
    this.chats.set(id, chat);
    return chat;
  }

  /** Finds a chat by numeric id or `@username`. */
  findChat(chatId: string): TelegramChat | undefined {
    if (chatId.startsWith('@')) {
      const name = chatId.slice(1).toLowerCase();
      return [...this.chats.values()].find((c) => c.username?.toLowerCase() === name);
    }
    return /^-?\d+$/.test(chatId) ? this.chats.get(Number(chatId)) : undefined;
  }

  /** Next message id of a chat (ids are per chat, starting at 1). */
  nextMessageId(chatId: number): number {
    const id = (this.#nextMessageId.get(chatId) ?? 0) + 1;
    this.#nextMessageId.set(chatId, id);
    return id;
  }

  /** The Bot API `Chat` object. */
  chatObject(chat: TelegramChat): Record<string, unknown> {
    if (chat.type === 'private') return { id: chat.id, first_name: 'Emulated User', type: 'private' };
    const forum = chat.topics.length > 0 ? { is_forum: true } : {};
    return {
      id: chat.id,
      title: chat.title,
      ...(chat.username ? { username: chat.username } : {}),
      type: chat.type,
      ...forum,
    };
  }
}
