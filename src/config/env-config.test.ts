import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../resilience/errors.js';
import { loadEnvConfig } from './env-config.js';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadEnvConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatConfigIssue);
    throw error;
  }
  throw new Error('expected the environment to be invalid');
}

describe('env-only config', () => {
  it('builds one destination per variable, with the service and level', () => {
    const config = loadEnvConfig({
      OFFPATH_SLACK_URL: 'https://hooks.slack.com/services/T1/B2/x',
      OFFPATH_TELEGRAM_TOKEN: '123:abc',
      OFFPATH_TELEGRAM_CHAT_ID: '-100',
      OFFPATH_SERVICE: 'api',
      OFFPATH_MIN_LEVEL: 'error',
    });
    expect(config?.service).toBe('api');
    expect(config?.destinations.map((d) => [d.name, d.type, d.minLevel])).toEqual([
      ['slack', 'slack', 'error'],
      ['telegram', 'telegram', 'error'],
    ]);
    expect(loadEnvConfig({ OFFPATH_SERVICE: 'api' })).toBeUndefined();
  });

  it('names the variable that holds each problem', () => {
    expect(
      problems({
        OFFPATH_DISCORD_URL: 'discord.com/api/webhooks/1/x',
        OFFPATH_HTTP_URL: 'http://127.0.0.1:9/in',
        OFFPATH_TELEGRAM_TOKEN: 'nope',
        OFFPATH_TELEGRAM_CHAT_ID: 'me',
        OFFPATH_MIN_LEVEL: 'loud',
        OFFPATH_SERVICE: 'x'.repeat(81),
      }),
    ).toEqual([
      'OFFPATH_SERVICE: expected a string of at most 80 characters, got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."',
      'OFFPATH_MIN_LEVEL: expected one of trace, debug, info, warn, error, critical, got "loud"',
      'OFFPATH_DISCORD_URL: must be an absolute http(s) URL',
      'OFFPATH_TELEGRAM_TOKEN: must look like 123456:ABC-DEF (the token BotFather gave you)',
      'OFFPATH_TELEGRAM_CHAT_ID: must be a numeric id or @channelname',
    ]);
  });

  it('reads what records carry, and names the variable of a bad value', () => {
    const config = loadEnvConfig({
      OFFPATH_HTTP_URL: 'http://127.0.0.1:9/in',
      OFFPATH_ENVIRONMENT: 'staging',
      OFFPATH_RELEASE: '2.0.1',
      OFFPATH_HOST: 'pod-1',
    });
    expect(config).toMatchObject({ environment: 'staging', release: '2.0.1', host: 'pod-1' });
    expect(config).not.toHaveProperty('service');
    expect(
      problems({
        OFFPATH_HTTP_URL: 'http://127.0.0.1:9/in',
        OFFPATH_RELEASE: 'r'.repeat(201),
        OFFPATH_HOST: 'h'.repeat(256),
      }),
    ).toEqual([
      'OFFPATH_RELEASE: expected a string of 1 to 200 characters, got "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr..."',
      'OFFPATH_HOST: expected a string of 1 to 255 characters, got "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh..."',
    ]);
  });

  it('asks for the other half of the Telegram pair', () => {
    expect(problems({ OFFPATH_TELEGRAM_TOKEN: '123:abc' })).toEqual([
      'OFFPATH_TELEGRAM_CHAT_ID: is required when OFFPATH_TELEGRAM_TOKEN is set',
    ]);
    expect(
      problems({
        OFFPATH_TELEGRAM_CHAT_ID: '5',
        OFFPATH_SLACK_URL: 'https://hooks.slack.com/services/a/b/c',
      }),
    ).toEqual(['OFFPATH_TELEGRAM_TOKEN: is required when OFFPATH_TELEGRAM_CHAT_ID is set']);
  });
});
