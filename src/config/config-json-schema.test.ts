import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configJsonSchema } from './config-json-schema.js';
import { loadConfigFile } from './load-config-file.js';
import { validateConfig } from './validate-config.js';

const published = JSON.parse(readFileSync(new URL('../../config-schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(published);

const EXAMPLE = fileURLToPath(new URL('../../examples/sources/offpath.config.yaml', import.meta.url));

const VALID: readonly unknown[] = [
  {
    $schema: './node_modules/offpath/config-schema.json',
    service: 'checkout',
    destinations: [
      { name: 'ops', type: 'discord', url: 'https://discord.com/api/webhooks/1/x', minLevel: 'warn' },
      {
        name: 'collector',
        type: 'http',
        url: 'https://collector.internal/ingest',
        format: 'ndjson',
        gzip: true,
        headers: { authorization: 'Bearer t' },
        probe: { url: '/health' },
        retry: { initialDelayMs: 100, jitter: 'full' },
        fallback: 'audit',
      },
      { name: 'audit', type: 'file', path: 'logs/offpath.ndjson' },
      { name: 'chat', type: 'telegram', token: '123:abc', chatId: -100, noise: false },
    ],
    routes: [{ destinations: ['ops'], status: ['5xx', 429], urls: ['/pay\\/\\d+/i'] }],
    limits: { retryAfterCapMs: 120_000 },
    redact: { patterns: [{ name: 'order', pattern: 'ord-\\d+' }] },
  },
];

describe('the published JSON Schema', () => {
  it('is what the zod schema generates (run npm run build after changing the schema)', () => {
    expect(published).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it('accepts the example config file as written, ${VAR} and all', () => {
    expect(validate(parseYaml(readFileSync(EXAMPLE, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    loadConfigFile(EXAMPLE, { DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/x' });
  });

  it('accepts the configs offpath accepts, a $schema key included', () => {
    for (const config of VALID) {
      validateConfig(config);
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('accepts ${VAR} references where the file will hold a number, a boolean or a token', () => {
    const config = {
      closeTimeoutMs: '${CLOSE_MS}',
      destinations: [
        {
          name: 'chat',
          type: 'telegram',
          token: '${TG_TOKEN}',
          chatId: '${TG_CHAT:-5}',
          minLevel: '${LEVEL}',
        },
        {
          name: 'lake',
          type: 'http',
          url: '${LAKE_URL}',
          gzip: '${GZIP:-false}',
          batch: { maxSize: '${N}' },
        },
      ],
    };
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it('flags what an editor should underline: a typo, a wrong type, an unknown type, a code-only destination', () => {
    const flagged = (config: unknown): boolean => !validate(config);
    const memory = { name: 'm', type: 'memory' };
    expect(flagged({ destinations: [{ ...memory, minLevl: 'warn' }] })).toBe(true);
    expect(flagged({ destinations: [{ ...memory, batch: { maxSize: 'ten' } }] })).toBe(true);
    expect(flagged({ destinations: [{ name: 'x', type: 'pager' }] })).toBe(true);
    expect(flagged({ destinations: [{ name: 'x', type: 'custom', sink: {} }] })).toBe(true);
    expect(flagged({ destinations: [memory], captur: {} })).toBe(true);
    expect(flagged({ destinations: [] })).toBe(true);
  });
});
