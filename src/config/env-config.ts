/**
 * A configuration from environment variables alone, for zero-code mode without a config file:
 * OFFPATH_DISCORD_URL, OFFPATH_SLACK_URL, OFFPATH_TELEGRAM_TOKEN + OFFPATH_TELEGRAM_CHAT_ID,
 * OFFPATH_HTTP_URL, OFFPATH_SERVICE, OFFPATH_MIN_LEVEL.
 * @module
 */
import type { OffpathConfig } from './config-schema.js';

/** The config the environment describes, or undefined when it names no destination. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): OffpathConfig | undefined {
  const minLevel = env['OFFPATH_MIN_LEVEL'] as 'warn' | undefined;
  const common = minLevel ? { minLevel } : {};
  const destinations: OffpathConfig['destinations'] = [];
  if (env['OFFPATH_DISCORD_URL'])
    destinations.push({ name: 'discord', type: 'discord', url: env['OFFPATH_DISCORD_URL'], ...common });
  if (env['OFFPATH_SLACK_URL'])
    destinations.push({ name: 'slack', type: 'slack', url: env['OFFPATH_SLACK_URL'], ...common });
  if (env['OFFPATH_TELEGRAM_TOKEN'] && env['OFFPATH_TELEGRAM_CHAT_ID']) {
    destinations.push({
      name: 'telegram',
      type: 'telegram',
      token: env['OFFPATH_TELEGRAM_TOKEN'],
      chatId: env['OFFPATH_TELEGRAM_CHAT_ID'],
      ...common,
    });
  }
  if (env['OFFPATH_HTTP_URL'])
    destinations.push({ name: 'collector', type: 'http', url: env['OFFPATH_HTTP_URL'], ...common });
  if (destinations.length === 0) return undefined;
  return { ...(env['OFFPATH_SERVICE'] ? { service: env['OFFPATH_SERVICE'] } : {}), destinations };
}
