import { describe, expect, it } from 'vitest';
import { FixedWindow, KeyedWindows, SlidingWindow, TokenBucket } from './rate-windows.js';

describe('FixedWindow', () => {
  it('opens at the first request and resets a full window later', () => {
    const w = new FixedWindow(2, 1000);
    expect(w.take(100)).toEqual({ allowed: true, limit: 2, remaining: 1, resetAt: 1100, retryAfterMs: 0 });
    expect(w.take(600).remaining).toBe(0);
    expect(w.take(700)).toEqual({ allowed: false, limit: 2, remaining: 0, resetAt: 1100, retryAfterMs: 400 });
    expect(w.take(1100)).toMatchObject({ allowed: true, remaining: 1, resetAt: 2100 });
  });

  it('peeks without counting', () => {
    const w = new FixedWindow(1, 1000);
    expect(w.peek(0)).toMatchObject({ allowed: true, remaining: 1, resetAt: 1000 });
    expect(w.take(0).allowed).toBe(true);
    expect(w.peek(10)).toMatchObject({ allowed: false, retryAfterMs: 990 });
  });
});

describe('SlidingWindow', () => {
  it('allows at most limit requests in any window', () => {
    const w = new SlidingWindow(2, 1000);
    expect(w.take(0).allowed).toBe(true);
    expect(w.take(500).allowed).toBe(true);
    expect(w.take(900)).toMatchObject({ allowed: false, retryAfterMs: 100 });
    expect(w.take(1000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(w.take(1400)).toMatchObject({ allowed: false, retryAfterMs: 100 });
  });
});

describe('TokenBucket', () => {
  it('starts full, refills one token per interval and caps at capacity', () => {
    const b = new TokenBucket(2, 1000);
    expect(b.take(0)).toMatchObject({ allowed: true, remaining: 1 });
    expect(b.take(0)).toMatchObject({ allowed: true, remaining: 0 });
    expect(b.take(250)).toMatchObject({ allowed: false, retryAfterMs: 750 });
    expect(b.take(1000).allowed).toBe(true);
    expect(b.peek(10_000)).toMatchObject({ allowed: true, remaining: 2 });
  });
});

describe('KeyedWindows', () => {
  it('keeps one window per key and forgets them on clear', () => {
    const windows = new KeyedWindows(() => new FixedWindow(1, 1000));
    expect(windows.get('a').take(0).allowed).toBe(true);
    expect(windows.get('b').take(0).allowed).toBe(true);
    expect(windows.get('a').take(0).allowed).toBe(false);
    windows.clear();
    expect(windows.get('a').take(0).allowed).toBe(true);
  });
});
