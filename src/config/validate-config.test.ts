import { describe, expect, it } from 'vitest';
import { ConfigError } from '../resilience/errors.js';
import { validateConfig } from './validate-config.js';

function problems(input: unknown): readonly string[] {
  try {
    validateConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be invalid');
}

describe('validateConfig', () => {
  it('accepts a minimal config', () => {
    const config = validateConfig({
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
    expect(problems({})).toEqual(['destinations: is required (add it)']);
  });

  it('needs a spool for the spool overflow policy', () => {
    expect(problems({ destinations: [{ name: 'x', type: 'memory', queue: { overflow: 'spool' } }] })).toEqual(
      ['destinations[0].queue.overflow: "spool" needs a top-level spool: {path}'],
    );
  });

  it('explains the spool durability modes and the dead-letter bounds', () => {
    const destinations = [{ name: 'x', type: 'console' }];
    expect(problems({ destinations, spool: { path: 's.db', durable: 'synch' } })).toEqual([
      'spool.durable: must be true, false or "sync" (see docs/CONFIG.md for the accepted forms)',
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
