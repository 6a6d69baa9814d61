import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  CircuitOpenError,
  ConfigError,
  formatConfigIssue,
  isOffpathError,
  NetworkError,
  OffpathError,
  RateLimitedError,
} from './errors.js';

describe('errors', () => {
  it('carries code, name, retryability and HTTP details', () => {
    const cause = new Error('socket hang up');
    const err = new RateLimitedError('slow down', {
      statusCode: 429,
      retryAfterMs: 1500,
      requestId: 'r1',
      cause,
    });
    expect(err.code).toBe('ERR_RATE_LIMITED');
    expect(err.name).toBe('RateLimitedError');
    expect(err.isRetryable).toBe(true);
    expect(err.statusCode).toBe(429);
    expect(err.retryAfterMs).toBe(1500);
    expect(err.requestId).toBe('r1');
    expect(err.cause).toBe(cause);
    expect(new BadRequestError('no').isRetryable).toBe(false);
    expect(new BadRequestError('no', { isRetryable: true }).isRetryable).toBe(true);
  });

  it('instanceof checks the kind, not just the base', () => {
    const err = new NetworkError('refused');
    expect(err instanceof OffpathError).toBe(true);
    expect(err instanceof NetworkError).toBe(true);
    expect(err instanceof CircuitOpenError).toBe(false);
    expect(new Error('x') instanceof OffpathError).toBe(false);
    expect(isOffpathError(new Error('x'))).toBe(false);
  });

  it('brand checks hold across two copies of the module', async () => {
    const copy = (await import(
      /* @vite-ignore */ `${new URL('./errors.ts', import.meta.url).href}?copy=2`
    )) as typeof import('./errors.js');
    expect(copy.NetworkError).not.toBe(NetworkError);
    const foreign = new copy.NetworkError('from the other copy');
    expect(foreign instanceof NetworkError).toBe(true);
    expect(foreign instanceof OffpathError).toBe(true);
    expect(foreign instanceof RateLimitedError).toBe(false);
    expect(isOffpathError(foreign)).toBe(true);
    expect(new NetworkError('here') instanceof copy.OffpathError).toBe(true);
  });

  it('config errors list their issues', () => {
    const err = ConfigError.fromIssues('bad config', [
      { path: 'destinations[0].url', message: 'is required', hint: 'set the webhook URL' },
      { path: '', message: 'not valid JSON' },
    ]);
    expect(err.issues).toHaveLength(2);
    expect(err.code).toBe('ERR_CONFIG');
    expect(err.message).toBe(
      'bad config:\n  - destinations[0].url: is required (set the webhook URL)\n  - not valid JSON',
    );
    expect(formatConfigIssue(err.issues[0]!)).toBe('destinations[0].url: is required (set the webhook URL)');
  });
});
