import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, exponentialDelayMs } from './backoff.js';

describe('backoff', () => {
  it('grows exponentially and stops at the ceiling without jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) =>
      backoffDelayMs(n, undefined, { initialDelayMs: 1000, maxDelayMs: 30_000, jitter: 'none' }),
    );
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('full jitter stays in [0, cap] over 10,000 draws and covers the range', () => {
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < 10_000; i++) {
      const attempt = (i % 8) + 1;
      const cap = exponentialDelayMs(attempt, 500, 20_000, 2);
      const d = backoffDelayMs(attempt, undefined, {
        initialDelayMs: 500,
        maxDelayMs: 20_000,
        jitter: 'full',
      });
      // Ratios outside [0, 1] would mean a draw outside [0, cap].
      low = Math.min(low, d / cap);
      high = Math.max(high, d / cap);
    }
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(1);
    // A uniform draw over 10,000 tries reaches both ends of the range.
    expect(low).toBeLessThan(0.01);
    expect(high).toBeGreaterThan(0.99);
  });

  it('a jitter factor varies the exponential delay by ± that share, never above the ceiling', () => {
    const at = (random: number, attempt = 2) =>
      backoffDelayMs(attempt, undefined, {
        initialDelayMs: 1000,
        maxDelayMs: 30_000,
        jitter: 0.2,
        random: () => random,
      });
    expect([at(0), at(0.5), at(0.999_999)]).toEqual([1600, 2000, 2400]);
    expect(at(0.999_999, 10)).toBe(30_000);
    expect(backoffDelayMs(3, undefined, { initialDelayMs: 100, jitter: 0, random: () => 0 })).toBe(400);
  });

  it('decorrelated jitter stays in [initial, min(max, previous × 3)] over 10,000 chained draws', () => {
    const initialDelayMs = 100;
    const maxDelayMs = 10_000;
    let previous: number | undefined;
    let reachedMax = false;
    const outOfBounds: Array<{ previous: number | undefined; d: number }> = [];
    for (let i = 0; i < 10_000; i++) {
      const d = backoffDelayMs(i + 1, previous, { initialDelayMs, maxDelayMs, jitter: 'decorrelated' });
      const upper = Math.min(maxDelayMs, (previous ?? initialDelayMs) * 3);
      if (d < initialDelayMs || d > upper) outOfBounds.push({ previous, d });
      if (d > maxDelayMs * 0.9) reachedMax = true;
      previous = d;
    }
    expect(outOfBounds).toEqual([]);
    expect(reachedMax).toBe(true);
  });

  it('keeps every mode within bounds for any random value and options', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined }),
        fc.constantFrom('none' as const, 'full' as const, 'decorrelated' as const),
        (r, attempt, initialDelayMs, maxDelayMs, previous, jitter) => {
          const d = backoffDelayMs(attempt, previous, {
            initialDelayMs,
            maxDelayMs,
            jitter,
            random: () => r,
          });
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(maxDelayMs);
        },
      ),
    );
  });
});
