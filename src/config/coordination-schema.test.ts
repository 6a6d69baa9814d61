import { describe, expect, it } from 'vitest';
import { validateConfig } from './validate-config.js';

const base = { destinations: [{ name: 'a', type: 'console' as const }] };

describe('coordination config', () => {
  it('is optional and off by default', () => {
    expect(validateConfig(base).coordination).toBeUndefined();
  });

  it('accepts redis:// and rediss:// with a prefix, a timeout and a replicas hint', () => {
    const config = validateConfig({
      ...base,
      coordination: {
        redis: {
          url: 'rediss://user:pw@redis.internal:6380/2',
          keyPrefix: 'app:offpath:',
          commandTimeoutMs: 500,
        },
        replicas: 4,
      },
    });
    expect(config.coordination?.replicas).toBe(4);
  });

  it('names each bad field and how to fix it', () => {
    expect(() =>
      validateConfig({
        ...base,
        coordination: { redis: { url: 'http://x', keyPrefix: 'a b' }, replicas: 0 },
      } as never),
    ).toThrow(
      /coordination\.redis\.url: must be a redis:\/\/ or rediss:\/\/ URL[\s\S]*coordination\.redis\.keyPrefix: must be 1-64[\s\S]*coordination\.replicas/,
    );
    expect(() =>
      validateConfig({ ...base, coordination: { redis: { url: 'redis://x' }, extra: 1 } } as never),
    ).toThrow(/coordination/);
  });
});
