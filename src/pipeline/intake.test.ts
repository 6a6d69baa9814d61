import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Intake } from './intake.js';

describe('Intake', () => {
  it('accepts a synchronous burst up to its capacity, in order, then refuses', () => {
    const intake = new Intake(20_000);
    let refused = 0;
    for (let i = 0; i < 20_000; i++) if (!intake.push(i, i * 2)) refused++;
    expect(refused).toBe(0);
    expect(intake.push('one too many', 0)).toBe(false);
    const wrong: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Plain comparisons per element and one assertion at the end: expect() per element costs more
      // than the intake itself and made this test slow on a loaded machine.
      if (intake.peekTime() !== i * 2 || intake.shift() !== i) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(intake.size).toBe(0);
  });

  it('behaves like a bounded FIFO under any mix of pushes and shifts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 3_000 })), { maxLength: 40 }),
        (ops) => {
          const intake = new Intake(5_000);
          // The model: a plain array read from `head`, so a shift is O(1) here too.
          const model: number[] = [];
          let head = 0;
          let next = 0;
          for (const [push, n] of ops) {
            for (let i = 0; i < n; i++) {
              const held = model.length - head;
              if (push) {
                const accepted = intake.push(next, next);
                if (accepted !== held < 5_000) return false;
                if (accepted) model.push(next);
                next++;
              } else if (held > 0) {
                if (intake.peekTime() !== model[head] || intake.shift() !== model[head]) return false;
                head++;
              }
            }
            if (intake.size !== model.length - head) return false;
          }
          return true;
        },
      ),
      { numRuns: 50 },
    );
  });
});
