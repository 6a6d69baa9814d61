/**
 * Test helpers for users' own test suites: a manual clock, and local emulators of Discord, Telegram,
 * Slack and an HTTP collector that behave like the real platforms (limits, errors, rate limits).
 * @module
 */

export type { UploadedFile } from './emulators/body.js';
export type { BatchFormat } from './emulators/collector/decode.js';
export type {
  CollectorBatch,
  CollectorEmulator,
  CollectorEmulatorOptions,
} from './emulators/collector/emulator.js';
export { startCollectorEmulator } from './emulators/collector/emulator.js';
export type { DiscordEmulator } from './emulators/discord/emulator.js';
export { startDiscordEmulator } from './emulators/discord/emulator.js';
export type { ErrorPath, FieldError } from './emulators/discord/form-errors.js';
export type { MentionsPinged } from './emulators/discord/mentions.js';
export type { AllowedMentions, DiscordEmulatorOptions, DiscordLimits } from './emulators/discord/options.js';
export { DEFAULT_DISCORD_LIMITS } from './emulators/discord/options.js';
export type { CreateWebhookOptions, DiscordMessage, DiscordWebhookInfo } from './emulators/discord/store.js';
export type { FailureRateOptions, FaultDecision, FaultKind, FaultMix } from './emulators/faults.js';
export { FaultController } from './emulators/faults.js';
export type { RecordedRequest } from './emulators/recorder.js';
export type { EmulatorHandle, EmulatorServerOptions } from './emulators/server.js';
export type { SlackEmulator, SlackMessage, SlackWebhookInfo } from './emulators/slack/emulator.js';
export { startSlackEmulator } from './emulators/slack/emulator.js';
export type { SlackNotifications } from './emulators/slack/notifications.js';
export type { SlackEmulatorOptions, SlackLimits } from './emulators/slack/options.js';
export { DEFAULT_SLACK_LIMITS } from './emulators/slack/options.js';
export type { EmulatorByKind, EmulatorKind, EmulatorOptionsByKind } from './emulators/start-emulator.js';
export { EMULATOR_KINDS, isEmulatorKind, startEmulator } from './emulators/start-emulator.js';
export type { TelegramBotInfo, TelegramEmulator } from './emulators/telegram/emulator.js';
export { startTelegramEmulator } from './emulators/telegram/emulator.js';
export type { MessageEntity, ParsedText } from './emulators/telegram/entities.js';
export type { HtmlParseOptions } from './emulators/telegram/html-parser.js';
export { parseTelegramHtml } from './emulators/telegram/html-parser.js';
export { parseTelegramMarkdown } from './emulators/telegram/markdown-parser.js';
export { parseTelegramMarkdownV2 } from './emulators/telegram/markdown-v2-parser.js';
export type { TelegramEmulatorOptions } from './emulators/telegram/options.js';
export type {
  CreateChatOptions,
  TelegramChat,
  TelegramChatType,
  TelegramMessage,
} from './emulators/telegram/store.js';
export type { LengthUnit } from './emulators/text-length.js';
export { ManualClock } from './manual-clock.js';
export type { PreviewInput } from './preview-html.js';
export { previewHtml } from './preview-html.js';
