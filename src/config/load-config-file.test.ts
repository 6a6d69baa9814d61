import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../resilience/errors.js';
import { findConfigFile, loadConfigFile } from './load-config-file.js';

function write(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'offpath-config-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfigFile', () => {
  it('reads YAML and interpolates environment variables with defaults', () => {
    const path = write(
      'offpath.config.yaml',
      'service: ${SERVICE:-checkout}\ndestinations:\n  - name: ops\n    type: slack\n    url: ${SLACK_URL}\n',
    );
    const config = loadConfigFile(path, { SLACK_URL: 'https://hooks.slack.com/services/T/B/X' });
    expect(config.service).toBe('checkout');
    expect(config.destinations[0]).toMatchObject({
      type: 'slack',
      url: 'https://hooks.slack.com/services/T/B/X',
    });
    expect(findConfigFile(join(path, '..'))).toBe(path);
  });

  it('names every missing variable with the field that uses it', () => {
    const path = write(
      'c.json',
      JSON.stringify({
        destinations: [{ name: 'a', type: 'telegram', token: '${TG_TOKEN}', chatId: '${TG_CHAT}' }],
      }),
    );
    expect(() => loadConfigFile(path, {})).toThrow(ConfigError);
    try {
      loadConfigFile(path, {});
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        {
          path: 'destinations[0].token',
          message: '${TG_TOKEN} is not set',
          hint: 'export TG_TOKEN=... or write ${TG_TOKEN:-default}',
        },
        {
          path: 'destinations[0].chatId',
          message: '${TG_CHAT} is not set',
          hint: 'export TG_CHAT=... or write ${TG_CHAT:-default}',
        },
      ]);
    }
  });

  it('reports syntax errors and unknown extensions with the file name', () => {
    expect(() => loadConfigFile(write('bad.json', '{ nope'), {})).toThrow(/bad\.json: syntax error/);
    expect(() => loadConfigFile(write('c.toml', 'a=1'), {})).toThrow(/unsupported extension "\.toml"/);
    expect(() =>
      loadConfigFile(
        write('u.json', JSON.stringify({ destinations: [{ name: 'a', type: 'memory' }], extra: 1 })),
        {},
      ),
    ).toThrow(/extra: unknown setting/);
  });

  it('converts ${ENV} values to numbers and booleans where the schema wants them, and only there', () => {
    const path = write(
      'offpath.config.yaml',
      [
        'service: ${SERVICE_NAME}',
        'closeTimeoutMs: ${CLOSE_MS}',
        'handleSignals: ${SIGNALS}',
        'destinations:',
        '  - name: lake',
        '    type: http',
        '    url: http://127.0.0.1:9/ingest',
        '    gzip: ${GZIP:-false}',
        '    batch: { maxSize: "${BATCH}" }',
        '    headers: { x-count: "${BATCH}" }',
        '    rateLimits: [{ limit: "${LIMIT}", intervalMs: 1000 }]',
        'routes:',
        '  - { destinations: [lake], status: ["${STATUS}", "5xx"], sample: "${SAMPLE}" }',
      ].join('\n'),
    );
    const config = loadConfigFile(path, {
      SERVICE_NAME: '42',
      CLOSE_MS: '2500',
      SIGNALS: 'true',
      BATCH: '50',
      LIMIT: '5',
      STATUS: '503',
      SAMPLE: '0.25',
    });
    expect(config.service).toBe('42');
    expect(config.closeTimeoutMs).toBe(2500);
    expect(config.handleSignals).toBe(true);
    expect(config.destinations[0]).toMatchObject({
      gzip: false,
      batch: { maxSize: 50 },
      headers: { 'x-count': '50' },
      rateLimits: [{ limit: 5, intervalMs: 1000 }],
    });
    expect(config.routes?.[0]).toMatchObject({ status: [503, '5xx'], sample: 0.25 });
  });

  it('leaves a non-numeric ${ENV} value as text, so the error says what was found', () => {
    const path = write(
      'c.json',
      JSON.stringify({ destinations: [{ name: 'a', type: 'memory', batch: { maxSize: '${BATCH}' } }] }),
    );
    expect(() => loadConfigFile(path, { BATCH: 'ten' })).toThrow(
      'destinations[0].batch.maxSize: expected a positive integer, got "ten"',
    );
  });
});
