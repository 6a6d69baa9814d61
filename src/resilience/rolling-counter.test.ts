import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { RollingCounter } from './rolling-counter.js';

describe('RollingCounter', () => {
  it('forgets an event between windowMs - one slice and windowMs after it happened', () => {
    const clock = new ManualClock(0);
    const counter = new RollingCounter(clock, 1000, 10);
    clock.advance(150);
    counter.add(2);
    clock.advance(749);
    expect(counter.total()).toBe(2);
    // The event sits in slice [100, 200); it leaves once the window no longer covers that slice.
    clock.advance(201);
    expect(clock.now()).toBe(1100);
    expect(counter.total()).toBe(0);
  });

  it('sums several slices and reuses slots after a long pause', () => {
    const clock = new ManualClock(0);
    const counter = new RollingCounter(clock, 1000, 4);
    for (let i = 0; i < 4; i++) {
      counter.add();
      clock.advance(250);
    }
    expect(counter.total()).toBe(3);
    clock.advance(1_000_000);
    counter.add(5);
    expect(counter.total()).toBe(5);
  });
});
