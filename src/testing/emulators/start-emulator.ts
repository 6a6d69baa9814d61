/**
 * One entry point for every emulator, used by `offpath emulate <kind> --port N`.
 * @module
 */
import {
  type CollectorEmulator,
  type CollectorEmulatorOptions,
  startCollectorEmulator,
} from './collector/emulator.js';
import { type DiscordEmulator, startDiscordEmulator } from './discord/emulator.js';
import type { DiscordEmulatorOptions } from './discord/options.js';
import { type SlackEmulator, startSlackEmulator } from './slack/emulator.js';
import type { SlackEmulatorOptions } from './slack/options.js';
import { startTelegramEmulator, type TelegramEmulator } from './telegram/emulator.js';
import type { TelegramEmulatorOptions } from './telegram/options.js';

/** The platforms that can be emulated. */
export const EMULATOR_KINDS = ['discord', 'telegram', 'slack', 'collector'] as const;

/** One of {@link EMULATOR_KINDS}. */
export type EmulatorKind = (typeof EMULATOR_KINDS)[number];

/** Options of each kind. */
export interface EmulatorOptionsByKind {
  readonly discord: DiscordEmulatorOptions;
  readonly telegram: TelegramEmulatorOptions;
  readonly slack: SlackEmulatorOptions;
  readonly collector: CollectorEmulatorOptions;
}

/** Handle of each kind. */
export interface EmulatorByKind {
  readonly discord: DiscordEmulator;
  readonly telegram: TelegramEmulator;
  readonly slack: SlackEmulator;
  readonly collector: CollectorEmulator;
}

/** True when `value` names an emulator (for validating CLI input). */
export function isEmulatorKind(value: string): value is EmulatorKind {
  return (EMULATOR_KINDS as readonly string[]).includes(value);
}

/**
 * Starts the emulator of `kind` on 127.0.0.1 (port 0 unless `options.port` is set).
 * @example
 * const emulator = await startEmulator('discord', { port: 8080 });
 * for (const line of emulator.describe()) console.log(line);
 * process.once('SIGINT', () => void emulator.close());
 */
export async function startEmulator<K extends EmulatorKind>(
  kind: K,
  options: EmulatorOptionsByKind[K] = {},
): Promise<EmulatorByKind[K]> {
  switch (kind) {
    case 'discord':
      return (await startDiscordEmulator(options as DiscordEmulatorOptions)) as EmulatorByKind[K];
    case 'telegram':
      return (await startTelegramEmulator(options as TelegramEmulatorOptions)) as EmulatorByKind[K];
    case 'slack':
      return (await startSlackEmulator(options as SlackEmulatorOptions)) as EmulatorByKind[K];
    case 'collector':
      return (await startCollectorEmulator(options as CollectorEmulatorOptions)) as EmulatorByKind[K];
    default:
      throw new TypeError(`unknown emulator "${String(kind)}"; expected one of ${EMULATOR_KINDS.join(', ')}`);
  }
}
