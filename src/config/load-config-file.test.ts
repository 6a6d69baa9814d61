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
        'destinations[0].token: ${TG_TOKEN} is not set (export TG_TOKEN=... or write ${TG_TOKEN:-default})',
        'destinations[0].chatId: ${TG_CHAT} is not set (export TG_CHAT=... or write ${TG_CHAT:-default})',
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
});
