/**
 * Options of the Telegram Bot API emulator and their defaults.
 * @module
 */
import { assertPositiveFields } from '../assert-option.js';
import type { EmulatorServerOptions } from '../server.js';
import type { LengthUnit } from '../text-length.js';

/** Options of `startTelegramEmulator`. */
export interface TelegramEmulatorOptions extends EmulatorServerOptions {
  /** Longest text after entity parsing [doc]. @default 4096 */
  readonly maxTextLength?: number;
  /** Longest raw `text` in UTF-8 bytes, checked before parsing [srv: Client.cpp]. @default 32_768 */
  readonly maxRawTextBytes?: number;
  /** How the 4096 limit is counted (Telegram counts entity offsets in UTF-16). @default 'utf16' */
  readonly lengthUnit?: LengthUnit;
  /** Messages one chat accepts back to back before the 1-per-second pace applies [doc: "short bursts"]. @default 1 */
  readonly perChatBurst?: number;
  /** Interval of the per-chat pace [doc: one message per second]. @default 1000 */
  readonly perChatIntervalMs?: number;
  /** Messages per window to one group (negative chat id) [doc: 20 per minute]. @default 20 */
  readonly perGroupLimit?: number;
  /** Window of the group limit (sliding). @default 60_000 */
  readonly perGroupWindowMs?: number;
  /** Messages per window per bot across all chats [doc: about 30 per second]. @default 30 */
  readonly perBotLimit?: number;
  /** Window of the bot limit (sliding). @default 1000 */
  readonly perBotWindowMs?: number;
  /** Reject a bare `&` in HTML (the docs require `&amp;`; the real parser keeps it as text). @default true */
  readonly strictHtmlAmpersand?: boolean;
  /** Pre-create a bot, a private chat and a supergroup so `describe()` has targets. @default true */
  readonly defaults?: boolean;
}

/** Options with every default applied. */
export interface ResolvedTelegramOptions {
  readonly maxTextLength: number;
  readonly maxRawTextBytes: number;
  readonly lengthUnit: LengthUnit;
  readonly perChatBurst: number;
  readonly perChatIntervalMs: number;
  readonly perGroupLimit: number;
  readonly perGroupWindowMs: number;
  readonly perBotLimit: number;
  readonly perBotWindowMs: number;
  readonly strictHtmlAmpersand: boolean;
}

/** Applies defaults and rejects nonsense eagerly. */
export function resolveTelegramOptions(options: TelegramEmulatorOptions): ResolvedTelegramOptions {
  const resolved: ResolvedTelegramOptions = {
    maxTextLength: options.maxTextLength ?? 4096,
    maxRawTextBytes: options.maxRawTextBytes ?? 32_768,
    lengthUnit: options.lengthUnit ?? 'utf16',
    perChatBurst: options.perChatBurst ?? 1,
    perChatIntervalMs: options.perChatIntervalMs ?? 1000,
    perGroupLimit: options.perGroupLimit ?? 20,
    perGroupWindowMs: options.perGroupWindowMs ?? 60_000,
    perBotLimit: options.perBotLimit ?? 30,
    perBotWindowMs: options.perBotWindowMs ?? 1000,
    strictHtmlAmpersand: options.strictHtmlAmpersand ?? true,
  };
  assertPositiveFields(resolved, [
    'maxTextLength',
    'maxRawTextBytes',
    'perChatBurst',
    'perChatIntervalMs',
    'perGroupLimit',
    'perGroupWindowMs',
    'perBotLimit',
    'perBotWindowMs',
  ]);
  return resolved;
}
