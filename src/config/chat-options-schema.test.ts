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

  it('criticalMention: ids in each platform shape', () => {
    expect(() =>
      validateConfig({
        destinations: [
          { ...DISCORD, criticalMention: { roles: ['123456789012345678'], users: ['98765432109876543'] } },
          { ...SLACK, criticalMention: { userGroups: ['SAZ94GDB8'], users: ['U024BE7LH', 'W012A3CDE'] } },
          { ...TELEGRAM, criticalMention: { users: [123456789, '@oncall_lead'] } },
        ],
      }),
    ).not.toThrow();
    expect(problems({ ...DISCORD, criticalMention: { roles: ['@everyone'] } })).toEqual([
      'destinations[0].criticalMention.roles[0]: must be a Discord id of 17-20 digits (Developer Mode, then Copy ID)',
    ]);
    expect(problems({ ...SLACK, criticalMention: { userGroups: ['@oncall'], users: ['alice'] } })).toEqual([
      'destinations[0].criticalMention.userGroups[0]: must be a user-group id (S…, not its @handle)',
      'destinations[0].criticalMention.users[0]: must be a member id (U… or W…, not a display name)',
    ]);
    expect(problems({ ...TELEGRAM, criticalMention: { users: ['everyone'] } })).toEqual([
      'destinations[0].criticalMention.users[0]: must be a numeric user id or an @username (5-32 letters, digits or _)',
    ]);
    expect(problems({ ...DISCORD, criticalMention: { everyone: true } })[0]).toMatch(
      /^destinations\[0\]\.criticalMention\.everyone: unknown setting/,
    );
  });

  it('minLevel: warn unless set, shown as the default in the published JSON Schema', () => {
    const valid = validateConfig({ destinations: [DISCORD, { ...SLACK, minLevel: 'info' }, TELEGRAM] });
    expect(valid.destinations.map((d) => d.minLevel)).toEqual(['warn', 'info', 'warn']);
    const text = JSON.stringify(configJsonSchema());
    // Three chat types carry it; every other type keeps minLevel without a default (trace).
    expect(text.match(/"minLevel":\{"anyOf":\[\{"default":"warn"/g)).toHaveLength(3);
  });
});
