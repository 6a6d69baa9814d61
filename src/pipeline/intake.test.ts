import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Intake } from './intake.js';

describe('Intake', () => {
  it('accepts a synchronous burst up to its capacity, in order, then refuses', () => {
    const intake = new Intake(20_000);
    for (let i = 0; i < 20_000; i++) expect(intake.push(i, i * 2)).toBe(true);
    expect(intake.push('one too many', 0)).toBe(false);
    for (let i = 0; i < 20_000; i++) {
      expect(intake.peekTime()).toBe(i * 2);
      expect(intake.shift()).toBe(i);
    }
    expect(intake.size).toBe(0);
  });

  it('behaves like a bounded FIFO under any mix of pushes and shifts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 3_000 })), { maxLength: 40 }),
        (ops) => {
          const intake = new Intake(5_000);
          const model: number[] = [];
          let next = 0;
          for (const [push, n] of ops) {
            for (let i = 0; i < n; i++) {
              if (push) {
                const accepted = intake.push(next, next);
                expect(accepted).toBe(model.length < 5_000);
                if (accepted) model.push(next);
                next++;
              } else if (model.length > 0) {
                expect(intake.peekTime()).toBe(model[0]);
                expect(intake.shift()).toBe(model.shift());
              }
            }
            expect(intake.size).toBe(model.length);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
