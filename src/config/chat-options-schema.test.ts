import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './config-json-schema.js';
import { validateConfig } from './validate-config.js';

const DISCORD = { name: 'ops', type: 'discord', url: 'https://discord.com/api/webhooks/1/abc' } as const;
const SLACK = { name: 'alerts', type: 'slack', url: 'https://hooks.slack.com/services/T1/B1/x' } as const;
const TELEGRAM = { name: 'oncall', type: 'telegram', token: '123:ABC', chatId: -100 } as const;

describe('chat destination options', () => {
  it('minLevel: warn unless set, shown as the default in the published JSON Schema', () => {
    const valid = validateConfig({ destinations: [DISCORD, { ...SLACK, minLevel: 'info' }, TELEGRAM] });
    expect(valid.destinations.map((d) => d.minLevel)).toEqual(['warn', 'info', 'warn']);
    const text = JSON.stringify(configJsonSchema());
    // Three chat types carry it; every other type keeps minLevel without a default (trace).
    expect(text.match(/"minLevel":\{"anyOf":\[\{"default":"warn"/g)).toHaveLength(3);
  });
});
