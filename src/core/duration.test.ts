import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMicroseconds } from './duration.js';

describe('toMicroseconds', () => {
  it('rounds to the nearest microsecond', () => {
    expect(toMicroseconds(12.3456789)).toBe(12.346);
    expect(toMicroseconds(12.3454)).toBe(12.345);
    expect(toMicroseconds(0.0004)).toBe(0);
    expect(toMicroseconds(0.0006)).toBe(0.001);
    expect(toMicroseconds(7)).toBe(7);
    expect(toMicroseconds(-1.23456)).toBe(-1.235);
  });

  it('keeps at most three decimals as JSON and moves a value by at most half a microsecond', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (ms) => {
        const rounded = toMicroseconds(ms);
        expect(JSON.stringify(rounded)).toMatch(/^\d+(\.\d{1,3})?$/);
        expect(Math.abs(rounded - ms)).toBeLessThanOrEqual(0.0005 + Number.EPSILON * ms * 1_000);
      }),
    );
  });
});
