import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../resilience/errors.js';
import { configJsonSchema } from './config-json-schema.js';
import { validateConfig } from './validate-config.js';

const DISCORD = { name: 'ops', type: 'discord', url: 'https://discord.com/api/webhooks/1/abc' } as const;
const SLACK = { name: 'alerts', type: 'slack', url: 'https://hooks.slack.com/services/T1/B1/x' } as const;
const TELEGRAM = { name: 'oncall', type: 'telegram', token: '123:ABC', chatId: -100 } as const;

function problems(destination: object): readonly string[] {
  try {
    validateConfig({ destinations: [destination] });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatConfigIssue);
    throw error;
  }
  throw new Error('expected the config to be invalid');
}

describe('chat destination options', () => {
  it('timeZone: an IANA name; anything else names the field, with a hint', () => {
    const valid = validateConfig({ destinations: [{ ...DISCORD, timeZone: 'Asia/Kolkata' }] });
    expect(valid.destinations[0]).toMatchObject({ timeZone: 'Asia/Kolkata' });
    expect(problems({ ...SLACK, timeZone: 'Europe/Berln' })).toEqual([
      'destinations[0].timeZone: "Europe/Berln" is not a time zone (an IANA name such as "Europe/Berlin", "America/New_York" or "UTC")',
    ]);
  });

  it('minLevel: warn unless set, shown as the default in the published JSON Schema', () => {
    const valid = validateConfig({ destinations: [DISCORD, { ...SLACK, minLevel: 'info' }, TELEGRAM] });
    expect(valid.destinations.map((d) => d.minLevel)).toEqual(['warn', 'info', 'warn']);
    const text = JSON.stringify(configJsonSchema());
    // Three chat types carry it; every other type keeps minLevel without a default (trace).
    expect(text.match(/"minLevel":\{"anyOf":\[\{"default":"warn"/g)).toHaveLength(3);
  });
});
