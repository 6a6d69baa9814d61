import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { readRateLimitHeaders } from './rate-limit-headers.js';
import { RateLimiter } from './rate-limiter.js';
import {
  capRetryAfter,
  discordRetryAfterMs,
  parseRetryAfterHeader,
  telegramRetryAfterMs,
} from './retry-after.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('parseRetryAfterHeader', () => {
  it('reads delta-seconds, including decimals, as whole milliseconds rounded up', () => {
    expect(parseRetryAfterHeader('65', NOW)).toBe(65_000);
    expect(parseRetryAfterHeader(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfterHeader('1.5', NOW)).toBe(1500);
    expect(parseRetryAfterHeader('64.57', NOW)).toBe(64_570);
    expect(parseRetryAfterHeader('0.0001', NOW)).toBe(1);
  });

  it('reads the three HTTP-date forms relative to now', () => {
    expect(parseRetryAfterHeader('Wed, 15 Jan 2025 12:01:05 GMT', NOW)).toBe(65_000);
    expect(parseRetryAfterHeader('Wednesday, 15-Jan-25 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfterHeader('Wed Jan 15 12:00:10 2025', NOW)).toBe(10_000);
    expect(parseRetryAfterHeader('Sat Feb  1 12:00:00 2025', NOW)).toBe(17 * 86_400_000);
  });

  it('treats a date in the past as "retry now"', () => {
    expect(parseRetryAfterHeader('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
  });

  it('rejects negative numbers, garbage and impossible dates', () => {
    for (const value of [
      '-5',
      '',
      'soon',
      '1e3',
      '0x10',
      'Infinity',
      'NaN',
      '5 s',
      'garbage 2020',
      'Wed, 31 Feb 2025 12:00:00 GMT',
      'Wed, 15 Jan 2025 25:00:00 GMT',
      'Wed, 15 Foo 2025 12:00:00 GMT',
      null,
      undefined,
    ]) {
      expect(parseRetryAfterHeader(value, NOW), String(value)).toBeUndefined();
    }
  });

  it('never returns a negative or fractional wait for any non-negative number of seconds', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), (seconds) => {
        const ms = parseRetryAfterHeader(seconds.toFixed(3), NOW);
        expect(ms).toBeDefined();
        expect(Number.isInteger(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeGreaterThanOrEqual(Number(seconds.toFixed(3)) * 1000 - 1e-3);
      }),
    );
  });
});

describe('platform bodies', () => {
  it('reads Discord retry_after as float seconds on versioned APIs and milliseconds on v6', () => {
    const body = { message: 'You are being rate limited.', retry_after: 64.57, global: false };
    expect(discordRetryAfterMs(body, true)).toBe(64_570);
    expect(discordRetryAfterMs({ retry_after: 600, global: false }, false)).toBe(600);
    expect(discordRetryAfterMs(JSON.stringify(body), true)).toBe(64_570);
  });

  it('reads Telegram parameters.retry_after as integer seconds', () => {
    const body = {
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 5',
      parameters: { retry_after: 5 },
    };
    expect(telegramRetryAfterMs(body)).toBe(5000);
    expect(telegramRetryAfterMs(JSON.stringify(body))).toBe(5000);
  });

  it('gives undefined for bodies without a usable value', () => {
    for (const body of [null, undefined, 42, 'not json', [], {}, { retry_after: '5' }, { retry_after: -1 }]) {
      expect(discordRetryAfterMs(body, true)).toBeUndefined();
    }
    for (const body of [null, {}, { parameters: null }, { parameters: { retry_after: Number.NaN } }, '{']) {
      expect(telegramRetryAfterMs(body)).toBeUndefined();
    }
  });
});

describe('capRetryAfter', () => {
  it('honours 65 s under a 120 s cap and caps 3600 s at the cap', () => {
    expect(capRetryAfter(65_000, 120_000)).toEqual({ waitMs: 65_000, capped: false });
    expect(capRetryAfter(3_600_000, 120_000)).toEqual({ waitMs: 120_000, capped: true });
    expect(capRetryAfter(120_000, 120_000)).toEqual({ waitMs: 120_000, capped: false });
  });

  it('turns an invalid wait into 0 and refuses an invalid cap', () => {
    expect(capRetryAfter(Number.NaN, 1000)).toEqual({ waitMs: 0, capped: false });
    expect(capRetryAfter(-1, 1000)).toEqual({ waitMs: 0, capped: false });
    expect(() => capRetryAfter(1000, -1)).toThrow(RangeError);
  });

  it('a Retry-After of 65 s read from a header pauses a limiter for 65 s', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limits: [{ limit: 5, intervalMs: 2000 }], clock });
    const ms = parseRetryAfterHeader('65', clock.now());
    limiter.pauseFor(capRetryAfter(ms ?? 0, 120_000).waitMs);
    expect(limiter.waitMs()).toBe(65_000);
    clock.advance(65_000);
    expect(limiter.waitMs()).toBe(0);
  });
});

describe('readRateLimitHeaders', () => {
  it('reads Discord bucket headers from fetch Headers', () => {
    const headers = new Headers({
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset-After': '1.337',
      'X-RateLimit-Bucket': 'abcd1234',
      'X-RateLimit-Scope': 'user',
      'X-RateLimit-Global': 'true',
    });
    expect(readRateLimitHeaders(headers)).toEqual({
      limit: 5,
      remaining: 0,
      resetAfterMs: 1337,
      bucket: 'abcd1234',
      scope: 'user',
      global: true,
    });
  });

  it('reads plain header records and leaves out malformed values', () => {
    expect(
      readRateLimitHeaders({ 'x-ratelimit-remaining': ['3', '9'], 'X-RateLimit-Reset-After': 'soon' }),
    ).toEqual({ remaining: 3, global: false });
    expect(readRateLimitHeaders({ 'x-ratelimit-limit': '-1' })).toEqual({ global: false });
  });

  it('feeds a limiter that then waits for the server reset', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limits: [{ limit: 5, intervalMs: 2000 }], clock });
    limiter.update(readRateLimitHeaders({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '0.5' }));
    expect(limiter.waitMs()).toBe(500);
  });
});
