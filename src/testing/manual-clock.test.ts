import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('fires timers in due order with now() at their due time', () => {
    const clock = new ManualClock(0);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 20);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 10);
    const c = clock.setTimeout(() => seen.push(['c', clock.now()]), 15);
    clock.clearTimeout(c);
    clock.advance(25);
    expect(seen).toEqual([
      ['a', 10],
      ['b', 20],
    ]);
    expect(clock.now()).toBe(25);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires timers scheduled by timers within the same advance', async () => {
    const clock = new ManualClock(0);
    let fired = 0;
    clock.setTimeout(() => clock.setTimeout(() => fired++, 5), 5);
    await clock.advanceAsync(10);
    expect(fired).toBe(1);
  });
});
