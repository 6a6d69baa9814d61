import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigIssue } from '../resilience/errors.js';
import { validateConfig } from './validate-config.js';

function problems(input: unknown): readonly string[] {
  try {
    validateConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatConfigIssue);
    throw error;
  }
  throw new Error('expected the config to be invalid');
}

const memory = { name: 'm', type: 'memory' } as const;
const withDestination = (extra: object) => problems({ destinations: [{ ...memory, ...extra }] });

describe('validateConfig', () => {
  it('accepts a minimal config, and a $schema key for editors', () => {
    const config = validateConfig({
      $schema: './node_modules/offpath/config-schema.json',
      destinations: [{ name: 'ops', type: 'discord', url: 'https://discord.com/api/webhooks/1/abc' }],
    });
    expect(config.destinations[0]?.name).toBe('ops');
  });

  it('names the field, the problem and the fix, and suggests the key that was meant', () => {
    const issues = problems({
      destinations: [
        { name: 'ops', type: 'discord', url: 'not a url', minLevl: 'error' },
        { name: 'ops', type: 'telegram', token: 'nope', chatId: 1 },
      ],
      routes: [{ destinations: ['missing'] }],
    });
    expect(issues).toContain('destinations[0].minLevl: unknown setting (did you mean "minLevel"?)');
    expect(issues).toContain('destinations[0].url: must be an absolute http(s) URL');
    expect(issues.some((i) => i.startsWith('destinations[1].token: must look like 123456:ABC-DEF'))).toBe(
      true,
    );
  });

  it('says what a wrong type expected and what it found', () => {
    expect(withDestination({ batch: { maxSize: 'ten' } })).toEqual([
      'destinations[0].batch.maxSize: expected a positive integer, got "ten"',
    ]);
    expect(withDestination({ noise: { cooldownMs: true } })).toEqual([
      'destinations[0].noise.cooldownMs: expected a number of at least 0, got true',
    ]);
    expect(problems({ destinations: [memory], limits: { cpuBudgetPercent: 200 } })).toEqual([
      'limits.cpuBudgetPercent: expected a number above 0 and at most 100, got 200',
    ]);
    expect(problems({ destinations: [memory], routes: [{ destinations: ['m'], sample: '1/2' }] })).toEqual([
      'routes[0].sample: expected a number from 0 to 1, got "1/2"',
    ]);
    expect(problems({ destinations: 'ops' })).toEqual(['destinations: expected a non-empty list, got "ops"']);
  });

  it('lists the choices of enum-like fields, and the one probably meant', () => {
    expect(withDestination({ retry: 'fast' })).toEqual([
      'destinations[0].retry: expected one of defaults, aggressive, noRetry, persistent, or an object, got "fast"',
    ]);
    expect(withDestination({ retry: 'agressive' })).toEqual([
      'destinations[0].retry: expected one of defaults, aggressive, noRetry, persistent, or an object, got "agressive" (did you mean "aggressive"?)',
    ]);
    expect(problems({ destinations: [{ name: 'x', type: 'discrod' }] })).toEqual([
      'destinations[0].type: expected one of discord, telegram, slack, http, console, file, memory, custom, got "discrod" (did you mean "discord"?)',
    ]);
    expect(problems({ destinations: [{ name: 'x', type: 'console', color: 'yes' }] })).toEqual([
      'destinations[0].color: expected one of true, false, auto, got "yes"',
    ]);
  });

  it('reports inside the form a union value was meant to have', () => {
    expect(withDestination({ retry: { initialDelay: 10 } })).toEqual([
      'destinations[0].retry.initialDelay: unknown setting (did you mean "initialDelayMs"?)',
    ]);
    expect(problems({ destinations: [memory], capture: { fetch: { include: [3] } } })).toEqual([
      'capture.fetch.include[0]: expected a non-empty string or a RegExp, got 3',
    ]);
  });

  it('suggests settings from the schema at every level, including capture, templates, noise and probe', () => {
    const discord = { name: 'd', type: 'discord', url: 'https://discord.com/api/webhooks/1/abc' };
    expect(problems({ destinations: [memory], captur: {} })).toEqual([
      'captur: unknown setting (did you mean "capture"?)',
    ]);
    expect(problems({ destinations: [memory], capture: { fetch: { exlude: [] } } })).toEqual([
      'capture.fetch.exlude: unknown setting (did you mean "exclude"?)',
    ]);
    expect(problems({ destinations: [{ ...discord, templtes: {} }] })).toEqual([
      'destinations[0].templtes: unknown setting (did you mean "templates"?)',
    ]);
    expect(problems({ destinations: [{ ...discord, templates: { http: { titel: 'x' } } }] })).toEqual([
      'destinations[0].templates.http.titel: unknown setting (did you mean "title"?)',
    ]);
    expect(withDestination({ noise: { storm: { windowMS: 5 } } })).toEqual([
      'destinations[0].noise.storm.windowMS: unknown setting (did you mean "windowMs"?)',
    ]);
    expect(
      problems({ destinations: [{ name: 'h', type: 'http', url: 'http://a.io', probe: { methd: 'GET' } }] }),
    ).toEqual(['destinations[0].probe.methd: unknown setting (did you mean "method"?)']);
    expect(problems({ destinations: [memory], routes: [{ destinations: ['m'], smaple: 1 }] })).toEqual([
      'routes[0].smaple: unknown setting (did you mean "sample"?)',
    ]);
    expect(problems({ destinations: [{ ...discord, token: 'x' }] })).toEqual([
      'destinations[0].token: unknown setting (only type telegram has it)',
    ]);
    expect(problems({ destinations: [memory], limits: { nonsense: 1 } })).toEqual([
      'limits.nonsense: unknown setting (remove it; the settings here are intakeCapacity, memoryBudgetBytes, retryAfterCapMs, sliceMs, cpuBudgetPercent, shedBelowLevel)',
    ]);
  });

  it('refuses what the instance could not compile: regular expressions and templates', () => {
    expect(problems({ destinations: [memory], routes: [{ destinations: ['m'], urls: ['/pay(/'] }] })).toEqual(
      ['routes[0].urls[0]: is not a valid regular expression (Unterminated group)'],
    );
    expect(problems({ destinations: [memory], capture: { http: { exclude: ['/[a-/'] } } })).toEqual([
      'capture.http.exclude[0]: is not a valid regular expression (Unterminated character class)',
    ]);
    expect(
      problems({ destinations: [memory], redact: { patterns: [{ name: 'order', pattern: 'ord-(\\d+' }] } }),
    ).toEqual(['redact.patterns[0].pattern: is not a valid regular expression (Unterminated group)']);
    expect(
      problems({
        destinations: [
          {
            name: 's',
            type: 'slack',
            url: 'https://hooks.slack.com/services/T1/B2/x3',
            templates: { http: { body: '{{#http}}{{method}}' } },
          },
        ],
      }),
    ).toEqual(['destinations[0].templates.http.body: Unclosed section "http" at 19 (check the {{…}} tags)']);
  });

  it('checks the shape of Discord and Slack webhook URLs and Telegram tokens', () => {
    expect(
      problems({ destinations: [{ name: 'd', type: 'discord', url: 'https://discord.com/channels/1' }] }),
    ).toEqual([
      'destinations[0].url: must be a Discord webhook URL (https://discord.com/api/webhooks/{id}/{token})',
    ]);
    expect(
      problems({ destinations: [{ name: 's', type: 'slack', url: 'https://hooks.slack.com/T1/B2' }] }),
    ).toEqual([
      'destinations[0].url: must be a Slack incoming webhook URL (https://hooks.slack.com/services/T…/B…/…)',
    ]);
    expect(problems({ destinations: [{ name: 's', type: 'slack', url: 'hooks.slack.com' }] })).toEqual([
      'destinations[0].url: must be an absolute http(s) URL',
    ]);
    expect(
      problems({ destinations: [{ name: 't', type: 'telegram', token: '123456', chatId: 'me' }] }),
    ).toEqual([
      'destinations[0].token: must look like 123456:ABC-DEF (the token BotFather gave you)',
      'destinations[0].chatId: must be a numeric id or @channelname',
    ]);
  });

  it('reports references to missing destinations, duplicates and fallback loops', () => {
    const issues = problems({
      destinations: [
        { name: 'a', type: 'memory', fallback: 'b' },
        { name: 'b', type: 'memory', fallback: 'a' },
        { name: 'a', type: 'memory' },
      ],
      routes: [{ destinations: ['nope'] }],
    });
    expect(issues).toContain('destinations[2].name: duplicate destination name "a"');
    expect(issues).toContain('routes[0].destinations[0]: no destination named "nope"');
    expect(issues.some((i) => i.includes('fallbacks form a loop'))).toBe(true);
  });

  it('requires at least one destination and a known type', () => {
    expect(problems({ destinations: [] })).toEqual(['destinations: configure at least one destination']);
    expect(problems({ destinations: [{ name: 'x', type: 'pager' }] })[0]).toMatch(
      /^destinations\[0\]\.type: /,
    );
    expect(problems({})).toEqual(['destinations: is required (add it: a non-empty list)']);
    expect(problems([])).toEqual(['expected an object, got an empty list']);
  });

  it('gives structured issues: path, message and hint', () => {
    try {
      validateConfig({ destinations: [{ ...memory, batch: { maxSize: 0, maxDelay: 1 } }] });
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        { path: 'destinations[0].batch.maxSize', message: 'expected a positive integer, got 0' },
        {
          path: 'destinations[0].batch.maxDelay',
          message: 'unknown setting',
          hint: 'did you mean "maxDelayMs"?',
        },
      ]);
    }
    expect.assertions(1);
  });

  it('needs a spool for the spool overflow policy', () => {
    expect(problems({ destinations: [{ name: 'x', type: 'memory', queue: { overflow: 'spool' } }] })).toEqual(
      ['destinations[0].queue.overflow: "spool" needs a top-level spool: {path}'],
    );
  });

  it('explains the spool durability modes and the dead-letter bounds', () => {
    const destinations = [{ name: 'x', type: 'console' }];
    expect(problems({ destinations, spool: { path: 's.db', durable: 'synch' } })).toEqual([
      'spool.durable: expected one of true, false, sync, got "synch" (did you mean "sync"?)',
    ]);
    expect(problems({ destinations, spool: { path: 's.db', deadLetters: { ttlMS: 5 } } })).toEqual([
      'spool.deadLetters.ttlMS: unknown setting (did you mean "ttlMs"?)',
    ]);
    const valid = validateConfig({
      destinations,
      spool: { path: 's.db', durable: 'sync', deadLetters: { ttlMs: 60_000, maxBytes: 1_000_000 } },
    });
    expect(valid.spool).toMatchObject({
      durable: 'sync',
      deadLetters: { ttlMs: 60_000, maxBytes: 1_000_000 },
    });
  });
});
