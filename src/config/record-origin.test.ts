import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../resilience/errors.js';
import { loadConfigSource } from './config-source.js';
import { resolveRecordOrigin } from './record-origin.js';
import { validateConfig } from './validate-config.js';

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatConfigIssue);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveRecordOrigin', () => {
  it('takes each setting from the config, else from its variable; an empty variable is unset', () => {
    const env = {
      OFFPATH_SERVICE: 'env-service',
      OFFPATH_ENVIRONMENT: 'production',
      OFFPATH_RELEASE: '',
      OFFPATH_HOST: 'env-host',
    };
    expect(resolveRecordOrigin({ service: 'api', host: 'web-1' }, env)).toEqual({
      service: 'api',
      environment: 'production',
      release: undefined,
      host: 'web-1',
    });
    expect(resolveRecordOrigin({}, {})).toEqual({
      service: undefined,
      environment: undefined,
      release: undefined,
      host: undefined,
    });
  });

  it('names the variable of a bad value, and ignores a bad variable that the config overrides', () => {
    const env = { OFFPATH_ENVIRONMENT: 'e'.repeat(81), OFFPATH_HOST: 'h'.repeat(256) };
    expect(problems(() => resolveRecordOrigin({}, env))).toEqual([
      'OFFPATH_ENVIRONMENT: expected a string of 1 to 80 characters, got "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee..."',
      'OFFPATH_HOST: expected a string of 1 to 255 characters, got "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh..."',
    ]);
    expect(resolveRecordOrigin({ environment: 'qa', host: 'h1' }, env)).toMatchObject({
      environment: 'qa',
      host: 'h1',
    });
  });

  it('is checked where a config source is loaded, so `offpath check` refuses what the instance would', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offpath-origin-'));
    const path = join(dir, 'offpath.config.json');
    writeFileSync(path, JSON.stringify({ destinations: [{ name: 'm', type: 'memory' }] }));
    expect(
      problems(() => loadConfigSource({ kind: 'file', path }, { OFFPATH_RELEASE: 'r'.repeat(201) })),
    ).toEqual([
      'OFFPATH_RELEASE: expected a string of 1 to 200 characters, got "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr..."',
    ]);
    expect(loadConfigSource({ kind: 'file', path }, { OFFPATH_RELEASE: '1.0.0' }).release).toBeUndefined();
  });

  it('config values are validated by the schema, naming the field', () => {
    const destinations = [{ name: 'm', type: 'memory' as const }];
    expect(problems(() => validateConfig({ environment: '', release: 7, destinations }))).toEqual([
      'environment: expected a string of 1 to 80 characters, got ""',
      'release: expected a string of 1 to 200 characters, got 7',
    ]);
  });
});
