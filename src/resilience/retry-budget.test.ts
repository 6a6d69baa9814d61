import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.js';
import { RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('always allows the minimum number of retries per window', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ clock, minRetriesPerWindow: 3 });
    expect([1, 2, 3, 4].map(() => budget.tryAcquireRetry())).toEqual([true, true, true, false]);
  });

  it('allows retries up to ratio × first attempts in the window', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ clock, ratio: 0.2, minRetriesPerWindow: 0 });
    for (let i = 0; i < 50; i++) budget.recordAttempt();
    expect(budget.allowedRetries).toBe(10);
    let granted = 0;
    while (budget.tryAcquireRetry()) granted++;
    expect(granted).toBe(10);
    expect(budget.retriesInWindow).toBe(10);
  });

  it('forgets attempts and retries once the window has passed', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ clock, windowMs: 10_000, minRetriesPerWindow: 1, ratio: 0 });
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advance(9_000);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advance(1_000);
    expect(budget.tryAcquireRetry()).toBe(true);
  });

  it('rejects invalid options', () => {
    expect(() => new RetryBudget({ ratio: -1 })).toThrow(/ratio/);
    expect(() => new RetryBudget({ windowMs: 0 })).toThrow(/windowMs/);
    expect(() => new RetryBudget({ minRetriesPerWindow: Number.NaN })).toThrow(/minRetriesPerWindow/);
  });
});
